import type { AgentConversationDTO, Id } from '@kefu/protocol'
import { useEffect } from 'preact/hooks'
import { contactName } from '../format'
import { t } from '../i18n'
import {
  agentName,
  agents,
  assignConversation,
  changeStatus,
  conversationStatus,
  ensureInbox,
  inboxKind,
  loadConversation,
  me,
  openConversation,
  selectedConversation,
  showDetails,
  typingIn,
} from '../store'
import { Composer } from './Composer'
import { BackIcon, CheckIcon, InboxIcon, PanelIcon, ReopenIcon } from './icons'
import { RatingChip } from './Rating'
import { Timeline } from './Timeline'

export function NoConversation() {
  return (
    <section class="conversation-pane empty-state">
      <InboxIcon />
      <p class="empty-title">{t('conversation.none')}</p>
      <p class="muted">{t('conversation.noneHint')}</p>
    </section>
  )
}

export function ConversationView(props: { id: Id }) {
  const conversation = selectedConversation.value
  const status = conversationStatus.value.get(props.id)
  if (!conversation) {
    return (
      <section class="conversation-pane empty-state">
        {status?.error ? (
          <div role="alert">
            <p class="empty-title">{t('conversation.error')}</p>
            <p class="muted">{status.error}</p>
            <button type="button" class="button" onClick={() => void loadConversation(props.id)}>
              {t('list.retry')}
            </button>
          </div>
        ) : (
          <p class="muted" role="status">
            {t('conversation.loading')}
          </p>
        )}
      </section>
    )
  }
  return (
    <section
      class="conversation-pane"
      aria-label={contactName(conversation.contact, t('contact.visitor'))}
    >
      <ConversationHeader conversation={conversation} />
      <Timeline conversationId={conversation.id} loading={status?.loading ?? false} />
      <TypingLine conversationId={conversation.id} />
      <Composer
        key={conversation.id}
        conversationId={conversation.id}
        email={inboxKind(conversation.inboxId) === 'email'}
        contactEmail={conversation.contact.email}
      />
    </section>
  )
}

function ConversationHeader(props: { conversation: AgentConversationDTO }) {
  const c = props.conversation
  const meId = me.value?.agent.id ?? ''
  const resolved = c.status === 'resolved'
  const list = agents.value
  // The assignee may not be in the list yet (still loading, or deactivated); keep it selectable.
  const knownAssignee = c.assigneeId === null || list.some((a) => a.id === c.assigneeId)
  // An inbox created after this session loaded its list: its kind decides how messages show.
  useEffect(() => ensureInbox(c.inboxId), [c.inboxId])
  const subject = c.subject?.trim()
  return (
    <header class="conversation-head">
      <button
        type="button"
        class="button ghost icon only-narrow"
        aria-label={t('conversation.back')}
        onClick={() => openConversation(null)}
      >
        <BackIcon />
      </button>
      <div class="conversation-title">
        <div class="conversation-title-text">
          <h2>{contactName(c.contact, t('contact.visitor'))}</h2>
          {subject && (
            <p class="conversation-subject" data-testid="conversation-subject" title={subject}>
              {subject}
            </p>
          )}
        </div>
        <span class={`status-pill status-${c.status}`}>{t(`status.${c.status}`)}</span>
        <RatingChip conversationId={c.id} />
      </div>
      <div class="conversation-actions">
        <label class="compact-field assign">
          <span class="sr-only">{t('conversation.assignee')}</span>
          <select
            data-testid="assign"
            value={c.assigneeId ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value
              void assignConversation(c.id, value === '' ? null : value)
            }}
          >
            <option value="">{t('conversation.unassigned')}</option>
            {!knownAssignee && c.assigneeId && (
              <option value={c.assigneeId}>{agentName(c.assigneeId) ?? '…'}</option>
            )}
            {list.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === meId ? t('conversation.you', { name: a.name }) : a.name}
              </option>
            ))}
          </select>
        </label>
        {c.assigneeId !== meId && meId && (
          <button
            type="button"
            class="button"
            data-testid="assign-me"
            onClick={() => void assignConversation(c.id, meId)}
          >
            {t('conversation.assignToMe')}
          </button>
        )}
        {resolved ? (
          <button
            type="button"
            class="button icon-text"
            data-testid="reopen"
            onClick={() => void changeStatus(c.id, 'open')}
          >
            <ReopenIcon />
            {t('conversation.reopen')}
          </button>
        ) : (
          <button
            type="button"
            class="button success icon-text"
            data-testid="resolve"
            onClick={() => void changeStatus(c.id, 'resolved')}
          >
            <CheckIcon />
            {t('conversation.resolve')}
          </button>
        )}
        <button
          type="button"
          class={`button ghost icon ${showDetails.value ? 'pressed' : ''}`}
          aria-pressed={showDetails.value}
          aria-label={showDetails.value ? t('conversation.hideDetails') : t('conversation.details')}
          title={showDetails.value ? t('conversation.hideDetails') : t('conversation.details')}
          onClick={() => {
            showDetails.value = !showDetails.value
          }}
        >
          <PanelIcon />
        </button>
      </div>
    </header>
  )
}

function TypingLine(props: { conversationId: Id }) {
  const who = typingIn(props.conversationId)
  const contact = who.includes('contact')
  const others = who
    .filter((w) => w !== 'contact')
    .map((id) => agentName(id) ?? t('timeline.agent'))
  return (
    <div class="typing-line" aria-live="polite">
      {contact && (
        <span data-testid="typing" class="typing">
          <span class="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {t('timeline.visitorTyping')}
        </span>
      )}
      {others.map((name) => (
        <span key={name} class="typing agent-typing" data-testid="agent-typing">
          {t('timeline.agentTyping', { name })}
        </span>
      ))}
    </div>
  )
}
