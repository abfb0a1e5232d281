import type { VisitorServerFrame, WidgetConfig } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Principal } from '../agents/access.js'
import { createTestKefu, dbKinds, type TestKefu } from '../test/harness.js'
import { initialsOf } from './availability.usecases.js'

const allWeek = (from: string, to: string) =>
  Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from, to }]]),
  )

const hours = (overrides: Record<string, unknown> = {}) => ({
  teamName: 'Acme Care',
  timezone: 'Asia/Shanghai',
  enabled: false,
  weekly: {},
  holidays: [],
  whenUnavailable: 'offline-form',
  replyTime: 'hours',
  ...overrides,
})

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25))
}

describe.each(dbKinds())('availability, business hours and the offline form on %s', (kind) => {
  let k: TestKefu
  let cookie: string
  const sockets: (() => void)[] = []

  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => {
    for (const close of sockets) close()
    await k?.cleanup()
  })

  const config = async (): Promise<WidgetConfig> =>
    (await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`)).json

  /** An inbox socket for the agent, as the realtime module registers one. */
  function connect(principal: Principal) {
    const close = k.services.hub.addAgent({ principal, scope: { all: true }, send: () => {} })
    sockets.push(close)
    return close
  }

  const principalOf = async (id: string): Promise<Principal> => {
    const agent = await k.services.agents.repo.findById(k.admin.accountId, id)
    if (!agent) throw new Error('no such agent')
    return {
      id: agent.id,
      accountId: agent.account_id,
      email: agent.email,
      name: agent.name,
      role: agent.role,
      availability: agent.availability,
    }
  }

  test('only online members of the inbox with an open socket count as available', async () => {
    // Ada (a member, online) has no socket yet: nobody can answer.
    let c = await config()
    expect(c.availability).toMatchObject({ canAnswer: false, reason: 'no-agents', agents: [] })
    expect(c.agentsOnline).toBe(false)

    const closeAda = connect(await principalOf(k.admin.id))
    c = await config()
    expect(c.availability.canAnswer).toBe(true)
    expect(c.agentsOnline).toBe(true)
    expect(c.availability.agents).toEqual([
      { name: 'Ada Admin', initials: 'AA', color: expect.stringMatching(/^#[0-9a-f]{6}$/) },
    ])
    expect(JSON.stringify(c)).not.toContain('@acme.test')

    // Away does not count, even with the socket open.
    const away = await k.request('PUT', '/api/auth/availability', {
      cookie,
      body: { availability: 'away' },
    })
    expect(away.status).toBe(200)
    expect((await config()).availability.reason).toBe('no-agents')
    await k.request('PUT', '/api/auth/availability', { cookie, body: { availability: 'online' } })
    expect((await config()).availability.canAnswer).toBe(true)

    // Closing the laptop: the socket goes, and with it the team's presence.
    closeAda()
    expect((await config()).availability.reason).toBe('no-agents')

    // An online agent with a socket who is not a member of this inbox does not count.
    const outsider = await k.addAgent({ email: `out-${kind}@acme.test`, name: 'Otto Outsider' })
    connect(await principalOf(outsider.id))
    expect((await config()).availability.canAnswer).toBe(false)

    // A member with a socket does; at most three faces are shown.
    const names = ['Bea Bell', '王小明', 'Cai Chen', 'Dee Dunn']
    for (const name of names) {
      const agent = await k.addAgent({
        email: `${name.length}-${Math.random().toString(36).slice(2)}-${kind}@acme.test`,
        name,
        inboxIds: [k.inbox.id],
      })
      connect(await principalOf(agent.id))
    }
    c = await config()
    expect(c.availability.canAnswer).toBe(true)
    expect(c.availability.agents.map((a) => a.name)).toEqual(['Bea Bell', 'Cai Chen', 'Dee Dunn'])
  })

  test('initials take the first and last word, or the first character', () => {
    expect(initialsOf('ada lovelace')).toBe('AL')
    expect(initialsOf('王小明')).toBe('王')
    expect(initialsOf('  Li  ')).toBe('L')
  })

  test('business hours: admins set them, the widget learns when the team is back', async () => {
    const put = await k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, {
      cookie,
      body: hours({
        enabled: true,
        weekly: { mon: [{ from: '09:00', to: '18:00' }], tue: [{ from: '09:00', to: '18:00' }] },
        holidays: [{ date: '2026-11-24', name: 'Company day' }],
      }),
    })
    expect(put.status).toBe(200)
    expect(put.json.hours).toMatchObject({ teamName: 'Acme Care', enabled: true })
    expect(put.json.accountTimezone).toBe('UTC')
    const got = await k.request('GET', `/api/inboxes/${k.inbox.id}/hours`, { cookie })
    expect(got.json).toEqual(put.json)

    const inbox = k.inbox
    // Monday 2026-11-23 10:00 in Shanghai (02:00 UTC): open, and agents are online.
    const open = await k.services.availability.forInbox(inbox, Date.parse('2026-11-23T02:00:00Z'))
    expect(open).toMatchObject({
      canAnswer: true,
      reason: null,
      backAt: null,
      teamName: 'Acme Care',
    })
    // Monday 19:00: closed; Tuesday is a holiday, so back next Monday 09:00 Shanghai.
    const closed = await k.services.availability.forInbox(inbox, Date.parse('2026-11-23T11:00:00Z'))
    expect(closed).toMatchObject({
      canAnswer: false,
      reason: 'out-of-hours',
      agents: [],
      backAt: Date.parse('2026-11-30T01:00:00Z'),
      replyTime: 'hours',
      whenUnavailable: 'offline-form',
    })
  })

  test('hours are validated on the server and only admins may change them', async () => {
    const bad = async (body: unknown) =>
      k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, { cookie, body })
    for (const body of [
      hours({ weekly: { mon: [{ from: '9:00', to: '18:00' }] } }),
      hours({ weekly: { mon: [{ from: '09:00', to: '09:00' }] } }),
      hours({ weekly: { mon: [{ from: '09:00', to: '24:30' }] } }),
      hours({ weekly: { funday: [] } }),
      hours({ timezone: 'Mars/Olympus' }),
      hours({ holidays: [{ date: '2026-02-30' }] }),
      hours({ replyTime: 'weeks' }),
      hours({ weekly: { mon: Array.from({ length: 7 }, () => ({ from: '01:00', to: '02:00' })) } }),
    ]) {
      const res = await bad(body)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('request.invalid')
    }
    const agent = await k.addAgent({
      email: `hours-agent-${kind}@acme.test`,
      name: 'Hal',
      inboxIds: [k.inbox.id],
    })
    const agentCookie = await k.signIn(agent.email)
    const refused = await k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, {
      cookie: agentCookie,
      body: hours(),
    })
    expect(refused.status).toBe(403)
    expect(
      (await k.request('GET', `/api/inboxes/${k.inbox.id}/hours`, { cookie: agentCookie })).status,
    ).toBe(403)
    expect(
      (await k.request('GET', '/api/inboxes/not-an-inbox/hours', { cookie })).json.error.code,
    ).toBe('inbox.not_found')
  })

  test('an inbox closed all week says so in its config, with no time to be back', async () => {
    await k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, {
      cookie,
      body: hours({ enabled: true, weekly: {} }),
    })
    expect((await config()).availability).toMatchObject({
      canAnswer: false,
      reason: 'out-of-hours',
      backAt: null,
    })
    await k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, {
      cookie,
      body: hours({ enabled: true, weekly: allWeek('00:00', '24:00') }),
    })
    expect((await config()).availability.reason).toBe(null)
  })

  test('the offline form validates, stores the email on the visitor’s own contact, and opens a conversation', async () => {
    const v = await k.startVisitor()
    const send = (body: unknown, bearer = v.visitorToken) =>
      k.request('POST', '/api/widget/offline', { bearer, body })
    const issues = async (body: unknown) => {
      const res = await send(body)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('request.invalid')
      return res.json.error.details.issues.map((i: { path: string }) => i.path)
    }
    expect(await issues({ clientId: 'offline-001', email: '', text: 'Hello' })).toEqual(['email'])
    expect(await issues({ clientId: 'offline-001', email: 'nope', text: 'Hi' })).toEqual(['email'])
    expect(await issues({ clientId: 'offline-001', email: 'a@b.co', text: '   ' })).toEqual([
      'text',
    ])
    expect(
      (await send({ clientId: 'offline-001', email: 'a@b.co', text: 'x', extra: 1 })).status,
    ).toBe(400)
    expect(
      (await send({ clientId: 'offline-001', email: 'a@b.co', text: 'x' }, 'bad-token')).status,
    ).toBe(401)

    // Another contact already has this email, with history the visitor must never see.
    const other = await k.startVisitor()
    await k.request('POST', '/api/widget/messages', {
      bearer: other.visitorToken,
      body: { clientId: 'other-secret', text: 'my card ends 4242' },
    })
    await k.request('POST', '/api/widget/offline', {
      bearer: other.visitorToken,
      body: { clientId: 'other-offline', email: 'Mia@Example.com', text: 'earlier' },
    })

    const ok = await send({
      clientId: 'offline-002',
      email: ' Mia@Example.com ',
      name: 'Mia',
      text: 'Please call me back about order 42',
    })
    expect(ok.status).toBe(201)
    expect(ok.json.message.text).toBe('Please call me back about order 42')
    // A resend is answered with the stored message and changes nothing, the contact included.
    const again = await send({
      clientId: 'offline-002',
      email: 'someone.else@example.com',
      name: 'Not Mia',
      text: 'Please call me back about order 42',
    })
    expect(again.status).toBe(200)
    expect(again.json.message.id).toBe(ok.json.message.id)

    const contactOf = (visitorId: string) =>
      k.db.kysely
        .selectFrom('visitors')
        .innerJoin('contacts', 'contacts.id', 'visitors.contact_id')
        .select(['contacts.id', 'contacts.name', 'contacts.email'])
        .where('visitors.id', '=', visitorId)
        .executeTakeFirstOrThrow()
    const mine = await contactOf(v.visitorId)
    expect(mine).toMatchObject({ name: 'Mia', email: 'mia@example.com' })
    expect(mine.id).not.toBe((await contactOf(other.visitorId)).id)
    const seen = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    expect(seen.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'Please call me back about order 42',
    ])
    expect(JSON.stringify(seen.json)).not.toContain('4242')

    // The team sees it in the inbox, with the email on the contact.
    const list = await k.request('GET', '/api/conversations?view=all&status=open', { cookie })
    const conversation = list.json.conversations.find(
      (c: { id: string }) => c.id === ok.json.message.conversationId,
    )
    expect(conversation.contact).toMatchObject({ email: 'mia@example.com', name: 'Mia' })
  })

  test('connected visitors hear when their inbox’s availability changes', async () => {
    await k.request('PUT', `/api/inboxes/${k.inbox.id}/hours`, { cookie, body: hours() })
    for (const close of sockets.splice(0)) close()
    const v = await k.startVisitor()
    const row = await k.db.kysely
      .selectFrom('visitors')
      .select('contact_id')
      .where('id', '=', v.visitorId)
      .executeTakeFirstOrThrow()
    const frames: VisitorServerFrame[] = []
    const leave = k.services.hub.addVisitor({
      accountId: k.admin.accountId,
      contactId: row.contact_id,
      inboxId: k.inbox.id,
      send: (frame) => frames.push(frame),
    })
    const stop = k.services.availability.pushToVisitors()
    try {
      connect(await principalOf(k.admin.id))
      await until(() => frames.some((f) => f.type === 'availability'))
      const first = frames.find((f) => f.type === 'availability')
      expect(first).toMatchObject({ type: 'availability', availability: { canAnswer: true } })
      frames.length = 0
      for (const close of sockets.splice(0)) close()
      await until(() => frames.length > 0)
      expect(frames).toEqual([
        expect.objectContaining({
          type: 'availability',
          availability: expect.objectContaining({ canAnswer: false, reason: 'no-agents' }),
        }),
      ])
    } finally {
      stop()
      leave()
    }
  })
})
