import type { AgentConversationDTO } from '@kefu/protocol'
import { useState } from 'preact/hooks'
import type { StatusFilter, View } from '../conversations'
import { contactName, relativeTime } from '../format'
import { locale, t } from '../i18n'
import {
  agentName,
  emailInboxes,
  listStatus,
  loadList,
  me,
  now,
  openConversation,
  selectedId,
  selectStatus,
  selectView,
  statusFilter,
  view,
  visibleList,
} from '../store'
import { Avatar } from './Avatar'
import { MailIcon } from './icons'
import { NewEmailDialog } from './NewEmail'

const VIEWS: View[] = ['mine', 'unassigned', 'all']
const STATUSES: StatusFilter[] = ['open', 'resolved']

export function ConversationList() {
  const rows = visibleList.value
  const status = listStatus.value
  const [writing, setWriting] = useState(false)
  const canEmail = emailInboxes.value.length > 0
  return (
    <aside class="list-pane" aria-label={t('list.title')}>
      <div class="list-head">
        <div class="tabs" role="tablist" aria-label={t('list.title')}>
          {VIEWS.map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              data-testid={`view-${v}`}
              aria-selected={view.value === v}
              class={`tab ${view.value === v ? 'active' : ''}`}
              onClick={() => selectView(v)}
            >
              {t(`view.${v}`)}
            </button>
          ))}
        </div>
        <div class="list-head-row">
          <fieldset class="segmented" aria-label={t('status.filter')}>
            {STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                data-testid={`status-${s}`}
                aria-pressed={statusFilter.value === s}
                class={statusFilter.value === s ? 'active' : ''}
                onClick={() => selectStatus(s)}
              >
                {t(`status.${s}`)}
              </button>
            ))}
          </fieldset>
          {canEmail && (
            <button
              type="button"
              class="button icon-text new-email"
              data-testid="new-email"
              onClick={() => setWriting(true)}
            >
              <MailIcon />
              {t('newEmail.open')}
            </button>
          )}
        </div>
      </div>
      {writing && <NewEmailDialog onClose={() => setWriting(false)} />}
      {status.loading && (
        <div class="list-progress" role="progressbar" aria-label={t('app.loading')} />
      )}
      {status.error && (
        <div class="list-message" role="alert">
          <p>{status.error}</p>
          <button type="button" class="button" onClick={() => void loadList()}>
            {t('list.retry')}
          </button>
        </div>
      )}
      {rows.length === 0 && status.loaded && !status.error && (
        <p class="list-message muted">
          {statusFilter.value === 'open' ? t('list.empty.open') : t('list.empty.resolved')}
        </p>
      )}
      <ul class="conversation-list" onKeyDown={moveFocus}>
        {rows.map((c) => (
          <li key={c.id}>
            <ConversationRow conversation={c} selected={selectedId.value === c.id} />
          </li>
        ))}
      </ul>
    </aside>
  )
}

/** Up and down arrows walk the list, so the keyboard does not have to tab through every row. */
function moveFocus(e: KeyboardEvent) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
  const rows = [
    ...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('.conversation-item'),
  ]
  const index = rows.indexOf(document.activeElement as HTMLElement)
  if (index < 0) return
  const next = rows[index + (e.key === 'ArrowDown' ? 1 : -1)]
  if (!next) return
  e.preventDefault()
  next.focus()
}

function ConversationRow(props: { conversation: AgentConversationDTO; selected: boolean }) {
  const { conversation: c, selected } = props
  const name = contactName(c.contact, t('contact.visitor'))
  const last = c.lastMessage
  const preview = last
    ? `${last.direction === 'outgoing' ? t('list.you') : ''}${last.text}`
    : t('list.noMessages')
  const assignee = c.assigneeId
    ? c.assigneeId === me.value?.agent.id
      ? t('conversation.you', { name: agentName(c.assigneeId) ?? '' })
      : (agentName(c.assigneeId) ?? '…')
    : t('list.unassigned')
  const at = c.lastMessage?.createdAt ?? c.lastActivityAt
  const unread = c.unreadCount
  return (
    <a
      href={`/conversations/${encodeURIComponent(c.id)}`}
      class={`conversation-item ${selected ? 'selected' : ''} ${unread > 0 ? 'unread' : ''}`}
      data-testid="conversation-item"
      data-id={c.id}
      data-unread={unread}
      aria-current={selected ? 'true' : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
        e.preventDefault()
        openConversation(c.id)
      }}
    >
      <Avatar name={name} seed={c.contact.id} />
      <span class="item-body">
        <span class="item-line">
          <span class="item-name">{name}</span>
          <time class="item-time" dateTime={new Date(at).toISOString()}>
            {relativeTime(at, now.value, locale.value, {
              now: t('time.now'),
              yesterday: t('time.yesterday'),
            })}
          </time>
        </span>
        <span class="item-line">
          <span class="item-preview">{preview}</span>
          {unread > 0 && (
            <span class="badge" title={t('list.unread', { count: unread })}>
              <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
              <span class="sr-only">{t('list.unread', { count: unread })}</span>
            </span>
          )}
        </span>
        <span class="item-meta">{assignee}</span>
      </span>
    </a>
  )
}
