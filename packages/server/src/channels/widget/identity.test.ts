import { createHmac } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../../test/harness.js'

describe.each(dbKinds())('widget identity verification on %s', (kind) => {
  let k: TestKefu
  let cookie: string
  let secret: string
  const sign = (id: string) => createHmac('sha256', secret).update(id).digest('hex')
  const identify = (visitorToken: string, body: Record<string, unknown>) =>
    k.request('POST', '/api/widget/identify', { bearer: visitorToken, body })
  const say = (visitorToken: string, clientId: string, text: string) =>
    k.request('POST', '/api/widget/messages', { bearer: visitorToken, body: { clientId, text } })

  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
    const res = await k.request('GET', `/api/inboxes/${k.inbox.id}/identity`, { cookie })
    expect(res.status).toBe(200)
    secret = res.json.secret
    expect(secret).toMatch(/^[0-9a-f]{64}$/)
  })
  afterAll(async () => k?.cleanup())

  test('a signed user id brings the same history to a fresh browser', async () => {
    const laptop = await k.startVisitor()
    const who = { id: 'user-42', email: 'mei@customer.test', name: 'Mei', hash: sign('user-42') }
    expect((await identify(laptop.visitorToken, who)).json.verified).toBe(true)
    await say(laptop.visitorToken, 'laptop-msg-1', 'Order 7 is missing a teapot')

    const phone = await k.startVisitor()
    const res = await identify(phone.visitorToken, who)
    expect(res.json.verified).toBe(true)
    expect(res.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'Order 7 is missing a teapot',
    ])
  })

  test('a tampered hash is refused and changes nothing', async () => {
    const v = await k.startVisitor()
    const res = await identify(v.visitorToken, { id: 'user-42', hash: sign('user-43') })
    expect(res.status).toBe(403)
    expect(res.json.error.code).toBe('identity.forbidden')
    expect(
      (await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })).json.messages,
    ).toEqual([])
  })

  test("typing someone's email never reveals their history", async () => {
    const v = await k.startVisitor()
    const res = await identify(v.visitorToken, { id: 'user-42', email: 'mei@customer.test' })
    expect(res.json.verified).toBe(false)
    expect(res.json.messages).toEqual([])
  })

  test('a signed JWT works until it expires; unsigned or expired tokens are refused', async () => {
    const key = new TextEncoder().encode(secret)
    const good = await new SignJWT({ email: 'li@customer.test' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-77')
      .setExpirationTime('5m')
      .sign(key)
    const v = await k.startVisitor()
    expect((await identify(v.visitorToken, { id: 'user-77', token: good })).json.verified).toBe(
      true,
    )

    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-77')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key)
    expect(
      (await identify((await k.startVisitor()).visitorToken, { id: 'user-77', token: expired }))
        .status,
    ).toBe(403)
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"user-77","exp":9999999999}').toString('base64url')}.`
    expect(
      (await identify((await k.startVisitor()).visitorToken, { id: 'user-77', token: forged }))
        .status,
    ).toBe(403)
    const otherSub = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(key)
    expect(
      (await identify((await k.startVisitor()).visitorToken, { id: 'user-77', token: otherSub }))
        .status,
    ).toBe(403)
  })

  test('with verification enforced, unsigned identities are refused', async () => {
    const put = await k.request('PUT', `/api/inboxes/${k.inbox.id}/identity`, {
      cookie,
      body: { required: true },
    })
    expect(put.json.required).toBe(true)
    const v = await k.startVisitor()
    expect((await identify(v.visitorToken, { id: 'user-9', name: 'Nobody' })).status).toBe(403)
    expect(
      (await identify(v.visitorToken, { id: 'user-9', hash: sign('user-9') })).json.verified,
    ).toBe(true)
    await k.request('PUT', `/api/inboxes/${k.inbox.id}/identity`, {
      cookie,
      body: { required: false },
    })
  })

  test('only admins see the secret; rotating it voids old signatures', async () => {
    const agent = await k.addAgent({
      email: `id-agent-${kind}@acme.test`,
      name: 'Agent',
      inboxIds: [k.inbox.id],
    })
    const agentCookie = await k.signIn(agent.email)
    expect(
      (await k.request('GET', `/api/inboxes/${k.inbox.id}/identity`, { cookie: agentCookie }))
        .status,
    ).toBe(403)
    expect((await k.request('GET', '/api/inboxes', { cookie: agentCookie })).text).not.toContain(
      secret,
    )
    const oldHash = sign('user-42')
    const rotated = await k.request('PUT', `/api/inboxes/${k.inbox.id}/identity`, {
      cookie,
      body: { rotate: true },
    })
    expect(rotated.json.secret).not.toBe(secret)
    expect(
      (await identify((await k.startVisitor()).visitorToken, { id: 'user-42', hash: oldHash }))
        .status,
    ).toBe(403)
    secret = rotated.json.secret
  })
})
