import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createTestKefu, dbKinds, type TestKefu } from '../../test/harness.js'

const preChat = {
  fields: [
    { key: 'name', type: 'text', required: true, label: { en: 'Your name', 'zh-CN': '您的姓名' } },
    { key: 'email', type: 'email', required: true },
    { key: 'phone', type: 'tel', required: false },
    { key: 'order_no', type: 'text', required: false, label: { en: 'Order number' } },
  ],
}

describe.each(dbKinds())('widget pre-chat form on %s', (kind) => {
  let k: TestKefu
  let cookie: string
  beforeAll(async () => {
    k = await createTestKefu(kind)
    cookie = await k.signIn('ada@acme.test')
    const res = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie,
      body: { greeting: 'Hi', preChat },
    })
    expect(res.status).toBe(200)
  })
  afterAll(async () => k?.cleanup())

  const contactOf = (visitorId: string) =>
    k.db.kysely
      .selectFrom('visitors')
      .innerJoin('contacts', 'contacts.id', 'visitors.contact_id')
      .select(['contacts.id', 'name', 'email', 'phone', 'attributes'])
      .where('visitors.id', '=', visitorId)
      .executeTakeFirstOrThrow()

  test('settings refuse a bad form: duplicate keys, a bad key, too many fields', async () => {
    const bad = [
      { fields: [preChat.fields[0], preChat.fields[0]] },
      { fields: [{ key: 'Bad Key', type: 'text', required: true }] },
      { fields: [{ key: 'name', type: 'date', required: true }] },
      {
        fields: Array.from({ length: 11 }, (_, i) => ({
          key: `f${i}`,
          type: 'text',
          required: false,
        })),
      },
    ]
    for (const form of bad) {
      const res = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie,
        body: { preChat: form },
      })
      expect(res.status).toBe(400)
    }
  })

  test('config exposes the form, and the rest of the settings survive', async () => {
    const res = await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`)
    expect(res.status).toBe(200)
    const [name, email, phone, order] = res.json.inbox.preChat
    // The admin's own labels win; the built-in fields are labelled in every language otherwise.
    expect(name.label).toEqual({ en: 'Your name', 'zh-CN': '您的姓名', 'zh-TW': '姓名' })
    expect(email).toEqual({
      ...preChat.fields[1],
      label: { en: 'Email', 'zh-CN': '邮箱', 'zh-TW': '電子郵件' },
    })
    expect(phone.label['zh-CN']).toBe('电话')
    expect(order).toEqual(preChat.fields[3])
    expect(res.json.inbox.greeting).toBe('Hi')
  })

  test('a missing required field is refused with per-field details', async () => {
    const v = await k.startVisitor()
    const res = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { name: '  ', email: 'not-an-email', phone: 'call me' } },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('request.invalid')
    const paths = res.json.error.details.issues.map((i: { path: string }) => i.path).sort()
    expect(paths).toEqual(['fields.email', 'fields.name', 'fields.phone'])
    const missing = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { email: 'a@b.test' } },
    })
    expect(missing.status).toBe(400)
    expect(missing.json.error.details.issues[0].path).toBe('fields.name')
    const long = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { name: 'x'.repeat(201), email: 'a@b.test' } },
    })
    expect(long.status).toBe(400)
    expect((await contactOf(v.visitorId)).name).toBeNull()
  })

  test('the answers are stored on the visitor’s own contact, HTML as text', async () => {
    const v = await k.startVisitor()
    const res = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: {
        fields: {
          name: '<b>Lin</b>',
          email: 'Lin@Example.test',
          phone: '+86 (10) 1234-5678',
          order_no: 'A-1',
        },
      },
    })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ ok: true })
    const contact = await contactOf(v.visitorId)
    expect(contact).toMatchObject({
      name: '<b>Lin</b>',
      email: 'lin@example.test',
      phone: '+86 (10) 1234-5678',
    })
    expect(JSON.parse(contact.attributes)).toEqual({ order_no: 'A-1' })
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'prechat-lin', text: 'Where is my order?' },
    })
    expect(sent.status).toBeLessThan(300)
    const seen = await k.request('GET', `/api/conversations/${sent.json.conversationId}`, {
      cookie,
    })
    expect(seen.status).toBe(200)
    expect(seen.json.conversation.contact).toMatchObject({
      phone: '+86 (10) 1234-5678',
      attributes: { order_no: 'A-1' },
    })
  })

  test('an unknown field is refused, and the route needs a visitor token', async () => {
    const v = await k.startVisitor()
    const res = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { name: 'Lin', email: 'lin@example.test', is_admin: 'yes' } },
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('request.invalid')
    expect(JSON.parse((await contactOf(v.visitorId)).attributes)).toEqual({})
    const anonymous = await k.request('POST', '/api/widget/profile', {
      body: { fields: { name: 'Lin', email: 'lin@example.test' } },
    })
    expect(anonymous.status).toBe(401)
  })

  test("a typed email equal to another contact's reveals none of its history", async () => {
    const alice = await k.startVisitor()
    await k.request('POST', '/api/widget/profile', {
      bearer: alice.visitorToken,
      body: { fields: { name: 'Alice', email: 'alice@example.test' } },
    })
    await k.request('POST', '/api/widget/messages', {
      bearer: alice.visitorToken,
      body: { clientId: 'prechat-alice', text: 'my card ends 4242' },
    })
    const mallory = await k.startVisitor()
    const res = await k.request('POST', '/api/widget/profile', {
      bearer: mallory.visitorToken,
      body: { fields: { name: 'Alice', email: 'alice@example.test' } },
    })
    expect(res.status).toBe(200)
    expect(JSON.stringify(res.json)).not.toContain('4242')
    const history = await k.request('GET', '/api/widget/messages', {
      bearer: mallory.visitorToken,
    })
    expect(history.json.messages).toEqual([])
    const events = await k.request('GET', '/api/widget/events?since=0', {
      bearer: mallory.visitorToken,
    })
    expect(JSON.stringify(events.json)).not.toContain('4242')
    const session = await k.request('POST', '/api/widget/session', {
      body: { inbox: k.inbox.public_token, visitorToken: mallory.visitorToken },
    })
    expect(session.json.messages).toEqual([])
    expect((await contactOf(mallory.visitorId)).id).not.toBe((await contactOf(alice.visitorId)).id)
  })

  test("a verified user's name and email are not changed by the form", async () => {
    const v = await k.startVisitor()
    const contact = await contactOf(v.visitorId)
    await k.db.kysely
      .updateTable('contacts')
      .set({ name: 'Signed Name', email: 'signed@example.test' })
      .where('id', '=', contact.id)
      .execute()
    await k.db.kysely
      .insertInto('contact_identities')
      .values({
        id: `ext-${contact.id}`,
        account_id: k.admin.accountId,
        contact_id: contact.id,
        kind: 'external',
        value: `user-${contact.id}`,
        created_at: Date.now(),
      })
      .execute()
    const res = await k.request('POST', '/api/widget/profile', {
      bearer: v.visitorToken,
      body: { fields: { name: 'Typed', email: 'typed@example.test', order_no: '7' } },
    })
    expect(res.status).toBe(200)
    const after = await contactOf(v.visitorId)
    expect(after).toMatchObject({ name: 'Signed Name', email: 'signed@example.test' })
    expect(JSON.parse(after.attributes)).toEqual({ order_no: '7' })
  })
})
