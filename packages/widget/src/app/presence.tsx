import type { WidgetAgentAvatar } from '@kefu/protocol'
import { type OfflineValues, validateOffline } from './away'
import { type Chat, MAX_MESSAGE_LENGTH } from './chat'
import { Form } from './Form'
import type { Strings } from './i18n'
import { MAX_PRECHAT_VALUE } from './prechat'
import { isCssColor } from './theme'

/** Up to three agents who can answer now, as coloured initials. */
export function Faces({ agents }: { agents: WidgetAgentAvatar[] }) {
  return (
    <div class="faces" data-testid="faces" aria-hidden="true">
      {agents.map((a) => (
        <span
          key={a.name + a.color}
          class="face"
          style={{ background: isCssColor(a.color) ? a.color : undefined }}
          title={a.name}
        >
          {a.initials}
        </span>
      ))}
    </div>
  )
}

/** Nobody can answer: email (required), name and a message, in place of the composer. */
export function OfflineForm({ chat, t }: { chat: Chat; t: Strings }) {
  const field = (key: string, label: string, type: string, autocomplete: string, max: number) => ({
    key,
    label,
    type,
    required: key !== 'name',
    autocomplete,
    max,
  })
  const full = (values: Record<string, string>): OfflineValues => ({
    email: '',
    name: '',
    text: '',
    ...values,
  })
  return (
    <Form
      name="offline"
      title={t.offlineTitle}
      submitLabel={t.send}
      t={t}
      fields={[
        field('email', t.offlineEmail, 'email', 'email', 254),
        field('name', t.offlineName, 'text', 'name', MAX_PRECHAT_VALUE),
        field('text', t.offlineMessage, 'textarea', 'off', MAX_MESSAGE_LENGTH),
      ]}
      validate={(values) => validateOffline(full(values))}
      send={(values) => chat.submitOffline(full(values))}
    />
  )
}

/** After the offline form: where the reply will go. The chat stays open below it. */
export function OfflineThanks({ email, t }: { email: string; t: Strings }) {
  return (
    <p class="offline-thanks" role="status" data-testid="offline-thanks">
      {t.offlineThanks(email)}
    </p>
  )
}
