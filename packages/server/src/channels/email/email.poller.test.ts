import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startDovecot, type TestImapServer } from '../../test/dovecot.js'
import { createTestKefu, type TestKefu } from '../../test/harness.js'

// The poller's behaviour when things go wrong, and at the edges of the first sync.

const USER = { user: 'edge', password: 'edge-password-1' }

async function addMailbox(
  k: TestKefu,
  cookie: string,
  imap: { port: number; password: string },
  syncDays = 14,
) {
  const res = await k.request('POST', '/api/inboxes/email', {
    cookie,
    body: {
      name: `Mailbox ${imap.port}`,
      mailbox: {
        imap: {
          host: '127.0.0.1',
          port: imap.port,
          tls: false,
          user: USER.user,
          password: imap.password,
        },
        smtp: { host: '127.0.0.1', port: 1, tls: false, user: 'x', password: 'x' },
        fromName: 'Support',
        fromAddress: 'support@acme.test',
        syncDays,
      },
    },
  })
  expect(res.status, res.text).toBe(201)
  return res.json.inbox.id as string
}

describe('IMAP poller edges', () => {
  let k: TestKefu
  let cookie: string
  let imap: TestImapServer
  beforeAll(async () => {
    imap = await startDovecot([USER])
    k = await createTestKefu('sqlite')
    cookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => {
    await k?.services.email.stop()
    await k?.cleanup()
    await imap?.stop()
  })

  test('a server that drops every connection is retried with backoff, not in a loop', async () => {
    let connections = 0
    const sockets = new Set<Socket>()
    const dropper = createServer((socket) => {
      connections++
      sockets.add(socket)
      socket.destroy()
    })
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve))
    const port = (dropper.address() as { port: number }).port
    await addMailbox(k, cookie, { port, password: 'whatever' })
    await k.services.email.start({ pollMs: 60_000, leaseMs: 30_000 })
    await new Promise((r) => setTimeout(r, 2500))
    await k.services.email.stop()
    dropper.close()
    // 1 s, then 2 s of backoff: two or three tries in 2.5 s, never hundreds.
    expect(connections).toBeGreaterThanOrEqual(1)
    expect(connections).toBeLessThanOrEqual(3)
  })

  test('old mail outside the first sync window stays out, also on later passes', async () => {
    const old = new Date('2020-03-01T10:00:00Z')
    for (let i = 0; i < 2; i++) {
      await imap.deliver(
        USER,
        `From: old${i}@customer.test\r\nSubject: old\r\nDate: Sun, 1 Mar 2020 10:00:00 +0000\r\nMessage-ID: <old${i}@customer.test>\r\n\r\nold\r\n`,
        { arrived: old },
      )
    }
    const inboxId = await addMailbox(k, cookie, { port: imap.port, password: USER.password })
    await k.services.email.start({ pollMs: 60_000, leaseMs: 30_000 })
    await imap.deliver(
      USER,
      'From: new@customer.test\r\nSubject: new\r\nMessage-ID: <new@customer.test>\r\n\r\nnew\r\n',
    )
    const stored = async () =>
      (
        await k.db.kysely
          .selectFrom('messages')
          .select('external_id')
          .where('inbox_id', '=', inboxId)
          .execute()
      ).map((r) => r.external_id)
    const deadline = Date.now() + 10_000
    while (!(await stored()).includes('new@customer.test') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    // Another pass (a nudge) must not reach back for the old mail either.
    for (const p of k.services.email.pollers.values()) p.nudge()
    await new Promise((r) => setTimeout(r, 800))
    expect(await stored()).toEqual(['new@customer.test'])
  })
})
