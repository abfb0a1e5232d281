import type { DeliveryDTO, EmailDetailsDTO, Id, MessageDTO } from '@kefu/protocol'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import {
  automaticKind,
  deliveryView,
  formatAddress,
  formatAddresses,
  threadRuleKey,
} from '../email'
import { buildEmailFrame } from '../email-html'
import { fileSize } from '../format'
import { locale, t } from '../i18n'
import { emailDetails, requestEmailDetails, retryDelivery } from '../store'
import { PaperclipIcon } from './icons'
import { MessageText } from './MessageText'

/** One message of an email conversation: its headers, the new text, the quoted part, the HTML. */
export function EmailContent(props: { message: MessageDTO }) {
  const m = props.message
  const root = useRef<HTMLDivElement>(null)
  const [near, setNear] = useState(false)
  // Details are asked for when the message comes near the screen, not for a whole long thread.
  useEffect(() => {
    const el = root.current
    if (near || !el) return
    if (typeof IntersectionObserver !== 'function') {
      setNear(true)
      return
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true)
      },
      // The timeline is the scroller; the margin counts from its edges.
      { root: el.closest('.timeline'), rootMargin: '600px 0px' },
    )
    observer.observe(el)
    return () => observer.disconnect()
  }, [near])
  // A reply has no email details until it is first sent; its status changing asks again.
  const key = m.delivery?.status ?? ''
  useEffect(() => {
    if (near) requestEmailDetails(m.id, key)
  }, [near, m.id, key])
  const state = emailDetails.value.get(m.id)
  const details = state?.status === 'loaded' ? state.details : null
  const [quoted, setQuoted] = useState(false)
  const [html, setHtml] = useState(false)

  return (
    <div class="email-content" data-testid="email-message" ref={root}>
      {details && <EmailHeader details={details} />}
      {state?.status === 'loading' && <p class="email-note muted">{t('email.loading')}</p>}
      {state?.status === 'error' && (
        <p class="email-note error-text" role="alert">
          {t('email.loadError')} {state.error}
        </p>
      )}
      <MessageText text={m.text} />
      {details?.quotedText && (
        <>
          <button
            type="button"
            class="email-toggle"
            data-testid="email-quoted-toggle"
            aria-expanded={quoted}
            onClick={() => setQuoted(!quoted)}
          >
            {quoted ? t('email.hideQuoted') : t('email.showQuoted')}
          </button>
          {quoted && (
            <div class="email-quoted" data-testid="email-quoted">
              {details.quotedText}
            </div>
          )}
        </>
      )}
      {details && <Attachments details={details} />}
      {details?.html && (
        <>
          <button
            type="button"
            class="email-toggle"
            data-testid="email-html-toggle"
            aria-expanded={html}
            onClick={() => setHtml(!html)}
          >
            {html ? t('email.hideHtml') : t('email.showHtml')}
          </button>
          {html && <EmailHtmlFrame html={details.html} />}
        </>
      )}
    </div>
  )
}

/**
 * Files sent with the email, as downloads (the server always serves them as attachments). Inline
 * images already show in the HTML; an inline file of another kind is listed too.
 */
function Attachments(props: { details: EmailDetailsDTO }) {
  const files = (props.details.attachments ?? []).filter(
    (f) => !f.inline || !/^image\//i.test(f.contentType),
  )
  if (files.length === 0) return null
  const lang = locale.value
  return (
    <ul class="email-attachments" aria-label={t('email.attachments')}>
      {files.map((f) => (
        <li key={f.id} data-testid="email-attachment" data-available={f.available}>
          <PaperclipIcon />
          {f.available ? (
            <a
              href={`/api/attachments/${encodeURIComponent(f.id)}`}
              download={f.filename}
              title={t('email.download', { name: f.filename })}
            >
              {f.filename}
            </a>
          ) : (
            <span class="muted" title={t('email.attachmentUnavailable')}>
              {f.filename}
            </span>
          )}
          <span class="muted">{fileSize(f.size, lang)}</span>
          {!f.available && <span class="muted">· {t('email.attachmentUnavailable')}</span>}
        </li>
      ))}
    </ul>
  )
}

function EmailHeader(props: { details: EmailDetailsDTO }) {
  const d = props.details
  const rule = threadRuleKey(d.threadRule)
  const kind = d.isAutomatic ? automaticKind(d.automaticReason) : null
  return (
    <div class="email-head">
      <div class="email-subject" data-testid="email-subject">
        {d.subject?.trim() ? d.subject : t('email.noSubject')}
      </div>
      <dl class="email-addresses">
        {d.from && (
          <div>
            <dt>{t('email.from')}</dt>
            <dd data-testid="email-from">{formatAddress(d.from)}</dd>
          </div>
        )}
        {d.to.length > 0 && (
          <div>
            <dt>{t('email.to')}</dt>
            <dd data-testid="email-header-to">{formatAddresses(d.to)}</dd>
          </div>
        )}
        {d.cc.length > 0 && (
          <div>
            <dt>{t('email.cc')}</dt>
            <dd data-testid="email-header-cc">{formatAddresses(d.cc)}</dd>
          </div>
        )}
      </dl>
      {(rule || kind || !d.dateFromHeader) && (
        <div class="email-badges">
          {rule && (
            <span class="email-badge" data-testid="thread-rule" data-rule={d.threadRule ?? ''}>
              {t(rule)}
            </span>
          )}
          {kind && (
            <span
              class="email-badge auto"
              data-testid="email-automatic"
              data-kind={kind}
              title={t('email.autoTitle', { reason: d.automaticReason ?? '?' })}
            >
              {t(`email.auto.${kind}`)}
            </span>
          )}
          {!d.dateFromHeader && (
            <span class="email-badge warn" data-testid="email-date-unreadable">
              {t('email.dateUnreadable')}
            </span>
          )}
        </div>
      )}
    </div>
  )
}

/**
 * The sender's HTML, only ever inside an iframe with an empty sandbox (no scripts, no same-origin,
 * no forms, no popups, no navigating the app) whose document starts with a CSP. Remote images stay
 * parked until the agent asks; the document is then rebuilt as a string, never in the app's DOM.
 */
function EmailHtmlFrame(props: { html: string }) {
  const [loadImages, setLoadImages] = useState(false)
  const frame = useMemo(() => buildEmailFrame(props.html, { loadImages }), [props.html, loadImages])
  return (
    <div class="email-html">
      {frame.remoteImages > 0 && (
        <div class="email-images-bar">
          <span class="muted">{t('email.imagesBlocked')}</span>
          <button
            type="button"
            class="button"
            data-testid="email-load-images"
            onClick={() => setLoadImages(true)}
          >
            {t('email.loadImages', { count: frame.remoteImages })}
          </button>
        </div>
      )}
      <div class="email-frame-wrap">
        <iframe
          sandbox=""
          srcdoc={frame.srcdoc}
          referrerpolicy="no-referrer"
          title={t('email.frameTitle')}
          data-testid="email-html-frame"
          data-images={loadImages ? 'loaded' : 'blocked'}
        />
      </div>
    </div>
  )
}

/** Where an email reply's delivery stands, with a retry for the ones that gave up. */
export function DeliveryStatus(props: {
  conversationId: Id
  messageId: Id
  delivery: DeliveryDTO
}) {
  const view = deliveryView(props.delivery)
  const [busy, setBusy] = useState(false)
  // A new status (the retry was accepted) makes the button usable again.
  useEffect(() => setBusy(false), [props.delivery.status])
  const label = view.retrying ? t('delivery.retrying') : t(`delivery.${view.status}`)
  return (
    <span
      class={`delivery delivery-${view.status}`}
      data-testid="delivery-status"
      data-status={props.delivery.status}
      role={view.canRetry ? 'alert' : undefined}
    >
      <span aria-hidden="true">·</span>
      <span class="delivery-label">{label}</span>
      {view.error && <span class="delivery-error">— {view.error}</span>}
      {view.canRetry && (
        <button
          type="button"
          class="link-button"
          data-testid="delivery-retry"
          disabled={busy}
          onClick={() => {
            setBusy(true)
            void retryDelivery(props.conversationId, props.messageId).finally(() =>
              setTimeout(() => setBusy(false), 3000),
            )
          }}
        >
          {t('delivery.retry')}
        </button>
      )}
    </span>
  )
}
