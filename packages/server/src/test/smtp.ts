import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// A real SMTP listener that keeps what Kefu sends, for tests to read back.

export interface CapturedMail {
  envelope: { from: string; to: string[] }
  raw: Buffer
  headers: Map<string, unknown>
  subject: string | undefined
  text: string | undefined
  messageId: string | undefined
  inReplyTo: string | undefined
  references: string[]
  replyTo: string | undefined
}

export async function startSmtpListener(options: { user?: string; password?: string } = {}) {
  const mails: CapturedMail[] = []
  const waiters: (() => void)[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.user && (auth.username !== options.user || auth.password !== options.password)) {
        return callback(new Error('Invalid username or password'))
      }
      callback(null, { user: auth.username })
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks)
        const parsed = await simpleParser(raw)
        const refs = parsed.references
        mails.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          headers: parsed.headers as Map<string, unknown>,
          subject: parsed.subject,
          text: parsed.text,
          messageId: parsed.messageId,
          inReplyTo: parsed.inReplyTo,
          references: Array.isArray(refs) ? refs : refs ? [refs] : [],
          replyTo: parsed.replyTo?.value[0]?.address,
        })
        for (const w of waiters.splice(0)) w()
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    mails,
    /** Resolves once `count` mails have arrived. */
    async waitFor(count: number, timeoutMs = 15_000): Promise<CapturedMail[]> {
      const deadline = Date.now() + timeoutMs
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${mails.length}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
      return mails
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
