import type { AgentConversationDTO, PreChatField } from '@kefu/protocol'
import type { ComponentChildren } from 'preact'
import { contactName, fullDateTime } from '../format'
import { locale, t } from '../i18n'
import { inboxes, showDetails } from '../store'
import { Avatar } from './Avatar'
import { CloseIcon } from './icons'
import { RatingDetails } from './Rating'

export function ContactPanel(props: { conversation: AgentConversationDTO }) {
  const c = props.conversation
  const name = contactName(c.contact, t('contact.visitor'))
  const inbox = inboxes.value.find((i) => i.id === c.inboxId)
  return (
    <aside class="details-pane" aria-label={t('conversation.details')} data-testid="contact-panel">
      <div class="details-head">
        <button
          type="button"
          class="button ghost icon details-close"
          aria-label={t('conversation.hideDetails')}
          title={t('conversation.hideDetails')}
          onClick={() => {
            showDetails.value = false
          }}
        >
          <CloseIcon />
        </button>
        <Avatar name={name} seed={c.contact.id} size="large" />
        <h3>{name}</h3>
        {c.contact.email && <p class="muted details-email">{c.contact.email}</p>}
      </div>
      <dl class="details-list">
        <Row label={t('details.name')}>{c.contact.name ?? <Missing />}</Row>
        <Row label={t('details.email')}>
          {c.contact.email ? (
            <a href={`mailto:${encodeURIComponent(c.contact.email)}`}>{c.contact.email}</a>
          ) : (
            <Missing />
          )}
        </Row>
        <Row label={t('details.phone')} testId="contact-phone">
          {c.contact.phone ?? <Missing />}
        </Row>
        <Row label={t('details.firstSeen')} testId="contact-first-seen">
          {Number.isFinite(c.contact.createdAt) ? (
            fullDateTime(c.contact.createdAt, locale.value)
          ) : (
            <Missing />
          )}
        </Row>
        <Row label={t('details.created')}>{fullDateTime(c.createdAt, locale.value)}</Row>
        {inbox && <Row label={t('details.inbox')}>{inbox.name}</Row>}
        <Row label={t('details.status')}>{t(`status.${c.status}`)}</Row>
        <RatingDetails conversationId={c.id} />
        <Row label={t('details.id')}>
          <code>{c.id}</code>
        </Row>
      </dl>
      <ContactAttributes
        attributes={c.contact.attributes ?? {}}
        fields={inbox?.settings.preChat?.fields ?? []}
      />
    </aside>
  )
}

/** The visitor's answers to custom pre-chat fields, shown as plain text under the form's labels. */
function ContactAttributes(props: { attributes: Record<string, string>; fields: PreChatField[] }) {
  const labelOf = (key: string) => {
    const label = props.fields.find((f) => f.key === key)?.label
    return label?.[locale.value]?.trim() || label?.en?.trim() || key
  }
  const entries = Object.entries(props.attributes)
  if (entries.length === 0) return null
  return (
    <section class="details-attributes" data-testid="contact-attributes">
      <h4>{t('details.attributes')}</h4>
      <dl class="details-list">
        {entries.map(([key, value]) => (
          <div class="details-row" key={key} data-testid="contact-attribute" data-key={key}>
            <dt title={key}>{labelOf(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

function Row(props: { label: string; children: ComponentChildren; testId?: string }) {
  return (
    <div class="details-row" data-testid={props.testId}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  )
}

function Missing() {
  return <span class="muted">{t('details.none')}</span>
}
