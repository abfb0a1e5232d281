import type { MessageDTO, PreChatField } from '@kefu/protocol'
import { z } from 'zod'
import type { ConversationsUsecases } from '../../conversations/conversations.usecases.js'
import { clientId, messageText, parse } from '../../shared/validation.js'
import { MAX_PRECHAT_VALUE, type WidgetProfile } from './profile.usecases.js'
import type { VisitorConversations } from './visitor-conversations.js'
import type { Visitor, VisitorsUsecases } from './visitors.usecases.js'

// The offline form: left when nobody can answer. The email and name take the pre-chat form's
// path onto the visitor's OWN contact (a typed email never joins another contact or shows its
// history, and never renames a verified user), so replies can later go out by email; the text
// is an ordinary message in the visitor's conversation.

/** The form as the pre-chat path sees it: email required, name optional. */
const OFFLINE_FORM: PreChatField[] = [
  { key: 'email', type: 'email', required: true },
  { key: 'name', type: 'text', required: false },
]

export const offlineSchema = z.strictObject({
  clientId,
  email: z.string().trim().min(1, 'required').max(254).pipe(z.email('a valid email address')),
  name: z
    .string()
    .trim()
    .max(MAX_PRECHAT_VALUE, `at most ${MAX_PRECHAT_VALUE} characters`)
    .optional(),
  text: messageText,
})

export function createOfflineForm(deps: {
  conversations: ConversationsUsecases
  profile: WidgetProfile
  visitors: VisitorsUsecases
  visitorConversations: VisitorConversations
}) {
  return {
    /** Validates (400 request.invalid, paths email | name | text), stores contact and message. */
    async submit(
      visitor: Visitor,
      raw: unknown,
    ): Promise<{ message: MessageDTO; duplicate: boolean }> {
      const body = parse(offlineSchema, raw)
      deps.visitors.checkMessageRate(visitor)
      const answers = deps.profile.answersOf(OFFLINE_FORM, {
        fields: { email: body.email, ...(body.name ? { name: body.name } : {}) },
      })
      // The contact and the message are one write: a resend (same clientId) is answered with the
      // stored message and changes nothing, not even an email typed differently the second time.
      const { message, duplicate } = await deps.conversations.receiveMessage({
        accountId: visitor.accountId,
        inboxId: visitor.inboxId,
        contactId: visitor.contactId,
        clientId: body.clientId,
        text: body.text,
        chooseConversation: deps.visitorConversations.chooser(visitor, {}),
        within: (tx) => deps.profile.store(tx, visitor, answers),
      })
      return { message, duplicate }
    },
  }
}

export type OfflineForm = ReturnType<typeof createOfflineForm>
