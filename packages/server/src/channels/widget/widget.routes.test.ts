import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApp } from '../../app.js'
import { createTestKefu, dbKinds, TEST_ORIGIN, type TestKefu } from '../../test/harness.js'

describe.each(dbKinds())('widget routes on %s', (kind) => {
  let k: TestKefu
  beforeAll(async () => {
    k = await createTestKefu(kind)
  })
  afterAll(async () => k?.cleanup())

  test('an unknown inbox token gets a 404 with a code', async () => {
    const res = await k.request('POST', '/api/widget/session', {
      body: { inbox: 'not-a-real-token' },
    })
    expect(res.status).toBe(404)
    expect(res.json.error.code).toBe('inbox.not_found')
    const config = await k.request('GET', '/api/widget/config?inbox=not-a-real-token')
    expect(config.status).toBe(404)
  })

  test('config tells the widget its inbox name and greeting', async () => {
    const res = await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`)
    expect(res.status).toBe(200)
    expect(res.json.inbox.name).toBe('Website')
    expect(res.json.agentsOnline).toBe(false)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('a visitor keeps their history across sessions with the same token', async () => {
    const v = await k.startVisitor()
    await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'history-01', text: 'first' },
    })
    const again = await k.request('POST', '/api/widget/session', {
      body: { inbox: k.inbox.public_token, visitorToken: v.visitorToken },
    })
    expect(again.json.visitorToken).toBe(v.visitorToken)
    expect(again.json.visitorId).toBe(v.visitorId)
    expect(again.json.messages.map((m: { text: string }) => m.text)).toEqual(['first'])
  })

  test('a visitor token from another inbox starts a fresh visitor instead of crossing inboxes', async () => {
    const cookie = await k.signIn('ada@acme.test')
    const other = await k.request('POST', '/api/inboxes', {
      cookie,
      body: { kind: 'widget', name: 'Other' },
    })
    const v = await k.startVisitor()
    const crossed = await k.request('POST', '/api/widget/session', {
      body: { inbox: other.json.publicToken, visitorToken: v.visitorToken },
    })
    expect(crossed.json.visitorId).not.toBe(v.visitorId)
    expect(crossed.json.visitorToken).not.toBe(v.visitorToken)
  })

  test("one visitor can never read or write another visitor's conversation", async () => {
    const alice = await k.startVisitor()
    const mallory = await k.startVisitor()
    await k.request('POST', '/api/widget/messages', {
      bearer: alice.visitorToken,
      body: { clientId: 'alice-secret', text: 'my address is 1 Main St' },
    })
    const read = await k.request('GET', '/api/widget/messages', { bearer: mallory.visitorToken })
    expect(read.json.messages).toEqual([])
    const events = await k.request('GET', '/api/widget/events?since=0', {
      bearer: mallory.visitorToken,
    })
    expect(JSON.stringify(events.json)).not.toContain('1 Main St')
    // Reusing Alice's client id from Mallory's token creates Mallory's own message, never returns Alice's.
    const reuse = await k.request('POST', '/api/widget/messages', {
      bearer: mallory.visitorToken,
      body: { clientId: 'alice-secret', text: 'hello' },
    })
    expect(reuse.status).toBe(201)
    expect(reuse.json.text).toBe('hello')
  })

  test('visitor routes refuse missing or forged tokens with 401', async () => {
    for (const bearer of [undefined, 'forged-token-value']) {
      const res = await k.request('GET', '/api/widget/messages', { bearer })
      expect(res.status).toBe(401)
      expect(res.json.error.code).toBe('visitor.unauthenticated')
    }
  })

  test('a visitor never receives internal notes, in history or in events', async () => {
    const v = await k.startVisitor()
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'notes-test', text: 'hello' },
    })
    const cookie = await k.signIn('ada@acme.test')
    await k.request('POST', `/api/conversations/${sent.json.conversationId}/messages`, {
      cookie,
      body: { clientId: 'secret-note', text: 'INTERNAL do not share', private: true },
    })
    await k.request('POST', `/api/conversations/${sent.json.conversationId}/messages`, {
      cookie,
      body: { clientId: 'public-reply', text: 'Hello there' },
    })
    const history = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    expect(history.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'hello',
      'Hello there',
    ])
    const events = await k.request('GET', '/api/widget/events?since=0', { bearer: v.visitorToken })
    expect(JSON.stringify(events.json)).not.toContain('INTERNAL')
  })

  test('resending with the same client id returns the stored message with 200', async () => {
    const v = await k.startVisitor()
    const body = { clientId: 'resend-0001', text: 'only once' }
    const a = await k.request('POST', '/api/widget/messages', { bearer: v.visitorToken, body })
    const b = await k.request('POST', '/api/widget/messages', { bearer: v.visitorToken, body })
    expect(a.status).toBe(201)
    expect(b.status).toBe(200)
    expect(b.json.id).toBe(a.json.id)
  })

  test('HTML in a visitor message is stored as plain text, never interpreted', async () => {
    const v = await k.startVisitor()
    const text = '<img src=x onerror=alert(1)>'
    const res = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'xss-000001', text },
    })
    expect(res.json.text).toBe(text)
  })

  test('visitor API calls from another site are refused; the loader may still read the config', async () => {
    const v = await k.startVisitor()
    const evil = { origin: 'https://evil.example', bearer: v.visitorToken }
    const read = await k.request('GET', '/api/widget/messages', evil)
    expect(read.status).toBe(403)
    expect(read.json.error.code).toBe('widget.origin_forbidden')
    expect(
      (
        await k.request('POST', '/api/widget/session', {
          origin: 'https://evil.example',
          body: { inbox: k.inbox.public_token },
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`, {
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(200)
  })

  test("only the inbox's allowed origins may embed the chat frame", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-frame-'))
    writeFileSync(join(dir, 'frame.html'), '<!doctype html><title>frame</title>')
    try {
      const app = createApp(k.services, { inbox: dir, widget: dir })
      const frameCsp = async () =>
        (
          await app.request(`${TEST_ORIGIN}/widget/frame?inbox=${k.inbox.public_token}`)
        ).headers.get('content-security-policy') ?? ''
      expect(await frameCsp()).toContain('frame-ancestors *')
      const cookie = await k.signIn('ada@acme.test')
      const put = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie,
        body: { allowedOrigins: ['https://shop.acme.test', 'https://www.acme.test'] },
      })
      expect(put.status, put.text).toBe(200)
      expect(await frameCsp()).toContain(
        "frame-ancestors 'self' https://shop.acme.test https://www.acme.test",
      )
      const bad = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie,
        body: { allowedOrigins: ['javascript:alert(1)'] },
      })
      expect(bad.status).toBe(400)
      await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, { cookie, body: {} })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
  // Last: it uses up this address's allowance of new visitors.
  test("a visitor's language that cannot be kept does not fail their session", async () => {
    const start = () =>
      k.app.request(`${TEST_ORIGIN}/api/widget/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: TEST_ORIGIN,
          'accept-language': 'zh-CN,zh;q=0.9',
        },
        body: JSON.stringify({ inbox: k.inbox.public_token }),
      })
    const statements =
      kind === 'sqlite'
        ? [
            `create trigger refuse_locale before update of locale on visitors
             begin select raise(abort, 'locale refused'); end`,
          ]
        : [
            `create function refuse_locale() returns trigger language plpgsql as
             $$ begin raise exception 'locale refused'; end $$`,
            `create trigger refuse_locale before update of locale on visitors
             for each row execute function refuse_locale()`,
          ]
    for (const statement of statements) await sql.raw(statement).execute(k.db.kysely)
    try {
      const res = await start()
      expect(res.status, await res.clone().text()).toBe(200)
      const body = (await res.json()) as { visitorId: string }
      const row = await k.db.kysely
        .selectFrom('visitors')
        .select('locale')
        .where('id', '=', body.visitorId)
        .executeTakeFirstOrThrow()
      expect(row.locale).toBeNull()
    } finally {
      const drops =
        kind === 'sqlite'
          ? ['drop trigger refuse_locale']
          : ['drop trigger refuse_locale on visitors', 'drop function refuse_locale()']
      for (const statement of drops) await sql.raw(statement).execute(k.db.kysely)
    }
    // Kept when it can be.
    const ok = await start()
    const { visitorId } = (await ok.json()) as { visitorId: string }
    const kept = await k.db.kysely
      .selectFrom('visitors')
      .select('locale')
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow()
    expect(kept.locale).toBe('zh-CN')
  })

  test('one address cannot mint unlimited anonymous visitors', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 302; i++) {
      const res = await k.request('POST', '/api/widget/session', {
        body: { inbox: k.inbox.public_token },
      })
      statuses.push(res.status)
      if (res.status === 429) {
        expect(res.json.error.code).toBe('visitor.rate_limited')
        break
      }
    }
    expect(statuses.at(-1)).toBe(429)
  })
})
