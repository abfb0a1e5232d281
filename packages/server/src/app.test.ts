import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { demoPage } from './app.js'
import { createTestKefu, type TestKefu } from './test/harness.js'

describe('the HTTP edge', () => {
  let k: TestKefu
  beforeAll(async () => {
    k = await createTestKefu('sqlite')
  })
  afterAll(async () => k?.cleanup())

  test('health and readiness answer', async () => {
    expect((await k.request('GET', '/healthz')).json).toEqual({ ok: true })
    expect((await k.request('GET', '/readyz')).status).toBe(200)
  })

  test('an unexpected failure is logged with a request id and answered without internals', async () => {
    const cookie = await k.signIn('ada@acme.test')
    // Break the database under a live app: the answer must be a coded 500, not a stack trace.
    await k.db.kysely.schema.dropTable('conversation_reads').execute()
    const res = await k.request('GET', '/api/conversations', { cookie })
    expect(res.status).toBe(500)
    expect(res.json.error.code).toBe('internal.error')
    expect(res.json.error.message).toContain(res.headers.get('x-request-id'))
    expect(res.text).not.toMatch(/conversation_reads|sqlite|at .*\.js/i)
  })

  test('the demo page embeds the widget with one tag and escapes what it prints', () => {
    const html = demoPage({ origin: 'https://kefu.example', token: 'tok"<en>' })
    expect(html).toContain(
      '<script src="https://kefu.example/widget.js" data-inbox="tok&#34;&#60;en&#62;" async></script>',
    )
  })
})
