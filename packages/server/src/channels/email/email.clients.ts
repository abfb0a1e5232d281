import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'

// The only place IMAP and SMTP clients are configured, for the poller, the sender and the
// connection test alike.

export interface ImapSettings {
  host: string
  port: number
  tls: boolean
  user: string
  password: string
}

export interface SmtpSettings {
  host: string
  port: number
  tls: boolean
  user: string
  password: string
}

export function imapClient(s: ImapSettings): ImapFlow {
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.tls,
    auth: { user: s.user, pass: s.password },
    logger: false,
    emitLogs: false,
    // imapflow waits 15 s of quiet before entering IDLE; new mail should not wait that long.
    autoIdleDelay: 500,
  })
}

export function smtpTransport(s: SmtpSettings) {
  // "TLS" means implicit TLS on 465 and STARTTLS (required, never optional) elsewhere.
  return nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.tls && s.port === 465,
    requireTLS: s.tls && s.port !== 465,
    auth: { user: s.user, pass: s.password },
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  })
}

/** What went wrong, in words that can be shown and logged: never a server echo of credentials. */
export function describeImapError(err: unknown): string {
  const e = err as {
    authenticationFailed?: boolean
    responseText?: string
    message?: string
    code?: string
  }
  if (e?.authenticationFailed) return 'The IMAP server refused the user name or password.'
  const text = e?.responseText ?? e?.message ?? e?.code ?? 'IMAP error'
  return text.replace(/[\r\n]+/g, ' ').slice(0, 300)
}

export function describeSmtpError(err: unknown): string {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string }
  if (e?.code === 'EAUTH') return 'The SMTP server refused the user name or password.'
  const text = e?.response ?? e?.message ?? 'SMTP error'
  return `${e?.responseCode ? `${e.responseCode} ` : ''}${text}`
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 300)
}
