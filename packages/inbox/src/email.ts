// What the inbox says about email messages, as pure functions: which threading rule placed a
// message, what kind of automatic mail it is, where a reply's delivery stands.
import type { DeliveryDTO, EmailAddressDTO, Id, InboxDTO } from '@kefu/protocol'

export type ThreadRuleKey =
  | 'email.threadRule.in-reply-to'
  | 'email.threadRule.references'
  | 'email.threadRule.token'
  | 'email.threadRule.pending-ref'
  | 'email.threadRule.new'
  | 'email.threadRule.other'

/** The label key of a threading rule; null for mail the team sent (no rule applies). */
export function threadRuleKey(rule: string | null): ThreadRuleKey | null {
  switch (rule) {
    case null:
      return null
    case 'in-reply-to':
    case 'references':
    case 'token':
    case 'pending-ref':
    case 'new':
      return `email.threadRule.${rule}`
    default:
      return 'email.threadRule.other'
  }
}

export type AutomaticKind = 'bounce' | 'receipt' | 'bulk' | 'autoReply'

/** Groups the server's reasons (RFC 3834 headers, reports, list headers…) into what agents care about. */
export function automaticKind(reason: string | null): AutomaticKind {
  const r = (reason ?? '').toLowerCase()
  if (r === 'delivery-report' || r === 'mailer-daemon' || r === 'bounce') return 'bounce'
  if (r === 'read-receipt') return 'receipt'
  if (r.startsWith('precedence:') || r === 'list-id' || r === 'list-unsubscribe') return 'bulk'
  return 'autoReply'
}

export type DeliveryView =
  | { status: 'pending'; retrying: boolean; error: string | null; canRetry: false }
  | { status: 'sending' | 'sent'; retrying: false; error: null; canRetry: false }
  | { status: 'failed' | 'bounced'; retrying: false; error: string | null; canRetry: true }

/**
 * Where a reply's delivery stands. A pending delivery with an error is waiting for its next
 * attempt after a temporary failure; only failed and bounced ones wait for an agent's retry.
 */
export function deliveryView(delivery: DeliveryDTO): DeliveryView {
  switch (delivery.status) {
    case 'pending':
      return {
        status: 'pending',
        retrying: delivery.error !== null,
        error: delivery.error,
        canRetry: false,
      }
    case 'failed':
    case 'bounced':
      return { status: delivery.status, retrying: false, error: delivery.error, canRetry: true }
    default:
      return { status: delivery.status, retrying: false, error: null, canRetry: false }
  }
}

/** "Name <address>", or the address alone; shown as text, never as markup. */
export function formatAddress(address: EmailAddressDTO): string {
  const name = address.name.trim()
  return name && name.toLowerCase() !== address.address.toLowerCase()
    ? `${name} <${address.address}>`
    : address.address
}

export function formatAddresses(list: readonly EmailAddressDTO[]): string {
  return list.map(formatAddress).join(', ')
}

export function isEmailInbox(inboxes: readonly InboxDTO[], inboxId: Id): boolean {
  return inboxes.some((i) => i.id === inboxId && i.kind === 'email')
}

/** The embed tag of a widget inbox, for its settings page. */
export function widgetSnippet(origin: string, publicToken: string): string {
  return `<script src="${origin}/widget.js" data-inbox="${publicToken}" async></script>`
}
