import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApp } from '../app.js'
import { createServices } from '../services.js'
import { createLogger } from '../shared/logger.js'
import {
  createTestDb,
  createTestKefu,
  dbKinds,
  PASSWORD,
  TEST_ORIGIN,
  type TestKefu,
  testConfig,
} from '../test/harness.js'

describe.each(dbKinds())('agent sign-in on %s', (kind) => {
  let k: TestKefu
  beforeAll(async () => {
    k = await createTestKefu(kind)
  })
  afterAll(async () => k?.cleanup())

  test('signing in sets an httpOnly SameSite session cookie that opens /auth/me', async () => {
    const res = await k.request('POST', '/api/auth/login', {
      body: { email: 'ADA@acme.test', password: PASSWORD },
    })
    expect(res.status).toBe(200)
    expect(res.json.agent).toMatchObject({ email: 'ada@acme.test', role: 'admin' })
    expect(res.json.agent.password_hash).toBeUndefined()
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/kefu_session=/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    const me = await k.request('GET', '/api/auth/me', { cookie: setCookie.split(';')[0] })
    expect(me.status).toBe(200)
    expect(me.json.account.name).toBe('Acme')
  })

  test('a wrong password and an unknown email get the same answer', async () => {
    const wrong = await k.request('POST', '/api/auth/login', {
      body: { email: 'ada@acme.test', password: 'nope-nope-nope' },
    })
    const unknown = await k.request('POST', '/api/auth/login', {
      body: { email: 'who@acme.test', password: 'nope-nope-nope' },
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.json.error.code).toBe('auth.invalid_credentials')
    expect(unknown.json).toEqual(wrong.json)
  })

  test('without a session every agent route answers 401 with a code', async () => {
    for (const path of [
      '/api/auth/me',
      '/api/conversations',
      '/api/events?since=0',
      '/api/inboxes',
      '/api/agents',
    ]) {
      const res = await k.request('GET', path)
      expect(res.status, path).toBe(401)
      expect(res.json.error.code).toBe('auth.unauthenticated')
    }
  })

  test('logging out ends the session', async () => {
    const cookie = await k.signIn('ada@acme.test')
    expect((await k.request('POST', '/api/auth/logout', { cookie })).status).toBe(204)
    expect((await k.request('GET', '/api/auth/me', { cookie })).status).toBe(401)
  })

  test('changing the password ends every other session but keeps this one', async () => {
    const agent = await k.addAgent({ email: `pw-${kind}@acme.test`, name: 'Pat' })
    const laptop = await k.signIn(agent.email)
    const phone = await k.signIn(agent.email)
    const res = await k.request('POST', '/api/auth/password', {
      cookie: laptop,
      body: { currentPassword: PASSWORD, newPassword: 'a much newer password' },
    })
    expect(res.status).toBe(204)
    expect((await k.request('GET', '/api/auth/me', { cookie: laptop })).status).toBe(200)
    expect((await k.request('GET', '/api/auth/me', { cookie: phone })).status).toBe(401)
    await expect(k.signIn(agent.email)).rejects.toThrow()
    await k.signIn(agent.email, 'a much newer password')
  })

  test('cookie-authenticated writes from another origin, or with no Origin, are refused', async () => {
    const cookie = await k.signIn('ada@acme.test')
    const evil = await k.request('PUT', '/api/auth/availability', {
      cookie,
      origin: 'https://evil.example',
      body: { availability: 'online' },
    })
    expect(evil.status).toBe(403)
    expect(evil.json.error.code).toBe('auth.bad_origin')
    const none = await k.request('PUT', '/api/auth/availability', {
      cookie,
      origin: null,
      body: { availability: 'online' },
    })
    expect(none.status).toBe(403)
    const ok = await k.request('PUT', '/api/auth/availability', {
      cookie,
      body: { availability: 'online' },
    })
    expect(ok.status).toBe(200)
    expect(ok.json.availability).toBe('online')
  })

  test('sign-in is rate limited per address and email', async () => {
    const email = `limited-${kind}@acme.test`
    const attempts = []
    for (let i = 0; i < 11; i++) {
      attempts.push(
        (
          await k.request('POST', '/api/auth/login', {
            body: { email, password: 'wrong-password' },
          })
        ).status,
      )
    }
    expect(attempts.slice(0, 10).every((s) => s === 401)).toBe(true)
    expect(attempts[10]).toBe(429)
  })

  test('only admins add agents; agents get 403', async () => {
    const agent = await k.addAgent({ email: `plain-${kind}@acme.test`, name: 'Plain' })
    const body = {
      email: `new-${kind}@acme.test`,
      name: 'New',
      role: 'agent',
      password: 'long enough pw',
    }
    const asAgent = await k.request('POST', '/api/agents', {
      cookie: await k.signIn(agent.email),
      body,
    })
    expect(asAgent.status).toBe(403)
    const asAdmin = await k.request('POST', '/api/agents', {
      cookie: await k.signIn('ada@acme.test'),
      body,
    })
    expect(asAdmin.status).toBe(201)
    const again = await k.request('POST', '/api/agents', {
      cookie: await k.signIn('ada@acme.test'),
      body,
    })
    expect(again.status).toBe(409)
  })
})

describe('first-run set-up', () => {
  test('only the printed token creates the first admin, and only once', async () => {
    const t = await createTestDb('sqlite')
    try {
      const services = createServices({
        config: testConfig({ databaseUrl: t.url }),
        db: t.db,
        logger: createLogger({ level: 'silent' }),
        setupToken: 'the-one-time-token',
      })
      const app = createApp(services)
      const post = (token: string) =>
        app.request(`${TEST_ORIGIN}/api/setup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
          body: JSON.stringify({
            token,
            accountName: '阿克米',
            name: '王芳',
            email: 'wang@acme.test',
            password: 'long enough pw',
          }),
        })
      expect(await (await app.request(`${TEST_ORIGIN}/api/setup`)).json()).toEqual({
        needsSetup: true,
      })
      expect((await post('guessed')).status).toBe(403)
      const ok = await post('the-one-time-token')
      expect(ok.status).toBe(200)
      expect(ok.headers.get('set-cookie')).toMatch(/kefu_session=/)
      expect(((await ok.json()) as { account: { name: string } }).account.name).toBe('阿克米')
      expect((await post('the-one-time-token')).status).toBe(403)
      expect(await (await app.request(`${TEST_ORIGIN}/api/setup`)).json()).toEqual({
        needsSetup: false,
      })
      expect(await services.inboxes.firstWidgetInbox()).toBeDefined()
    } finally {
      await t.cleanup()
    }
  })
})
