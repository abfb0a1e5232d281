import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createBlobStore } from '../shared/blobs.js'
import { newId } from '../shared/ids.js'
import { createTestKefu, dbKinds, TEST_ORIGIN, type TestKefu } from '../test/harness.js'

// A real 1×1 PNG, and other files whose bytes say what they are (or are not).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n')
const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>')
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
// The start of a Windows program: "MZ", then the PE header the DOS stub points to.
const EXE = (() => {
  const b = Buffer.alloc(512)
  b.write('MZ', 0, 'latin1')
  b.writeUInt32LE(0x80, 0x3c)
  b.write('PE\0\0', 0x80, 'latin1')
  return b
})()

let clockNow = Date.now()
const clock = { now: () => clockNow }

describe.each(dbKinds())('chat files on %s', (kind) => {
  let k: TestKefu
  let agentCookie: string

  beforeAll(async () => {
    k = await createTestKefu(kind, { clock })
    agentCookie = await k.signIn('ada@acme.test')
  })
  afterAll(async () => k?.cleanup())

  async function upload(
    path: string,
    auth: { bearer?: string; cookie?: string; origin?: string },
    name: string,
    bytes: Buffer,
  ) {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(bytes)]), name)
    const headers: Record<string, string> = { origin: auth.origin ?? TEST_ORIGIN }
    if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`
    if (auth.cookie) headers.cookie = auth.cookie
    const res = await k.app.request(`${TEST_ORIGIN}${path}`, {
      method: 'POST',
      headers,
      body: form,
    })
    // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected ad hoc
    const json: any = await res.json()
    return { status: res.status, json }
  }

  const visitorUpload = (bearer: string, name: string, bytes: Buffer) =>
    upload('/api/widget/attachments', { bearer }, name, bytes)

  async function fetchFile(url: string) {
    const res = await k.app.request(`${TEST_ORIGIN}${url}`)
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }

  /** A visitor with a conversation (opened by a text message). */
  async function visitorWithConversation(clientId: string) {
    const v = await k.startVisitor()
    const first = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId, text: 'hello' },
    })
    return { ...v, conversationId: first.json.conversationId as string }
  }

  test('a visitor sends a picture without text; visitor and agent both see it with a working URL', async () => {
    const v = await k.startVisitor()
    const up = await visitorUpload(v.visitorToken, '截图 (1).png', PNG)
    expect(up.status).toBe(201)
    expect(up.json).toMatchObject({ contentType: 'image/png', size: PNG.length, image: true })
    expect(up.json.filename).toBe('截图 (1).png')

    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'files-only-01', text: '', attachmentIds: [up.json.id] },
    })
    expect(sent.status).toBe(201)
    expect(sent.json.text).toBe('')
    expect(sent.json.attachments).toHaveLength(1)
    expect(sent.json.attachments[0]).toMatchObject({ id: up.json.id, image: true })

    const mine = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    const [message] = mine.json.messages
    expect(message.attachments[0].url).toMatch(/^\/files\/[^?]+\?exp=\d+&sig=[a-z2-7]+$/)

    const agentView = await k.request('GET', `/api/conversations/${sent.json.conversationId}`, {
      cookie: agentCookie,
    })
    expect(agentView.json.conversation.lastMessage.text).toContain('截图 (1).png')
    const agentAttachment = agentView.json.messages[0].attachments[0]
    expect(agentAttachment.filename).toBe('截图 (1).png')

    const { res, bytes } = await fetchFile(agentAttachment.url)
    expect(res.status).toBe(200)
    expect(bytes.equals(PNG)).toBe(true)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/)
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="__ (1).png"; filename*=UTF-8''%E6%88%AA%E5%9B%BE%20%281%29.png`,
    )
  })

  test('an agent sends a file back; the visitor gets it live and in the history', async () => {
    const v = await visitorWithConversation('agent-back-01')
    const before = await k.request('GET', '/api/widget/events?since=0', { bearer: v.visitorToken })
    const up = await upload(
      `/api/conversations/${v.conversationId}/attachments`,
      { cookie: agentCookie },
      'invoice.pdf',
      PDF,
    )
    expect(up.status).toBe(201)
    expect(up.json).toMatchObject({ contentType: 'application/pdf', image: false })
    const reply = await k.request('POST', `/api/conversations/${v.conversationId}/messages`, {
      cookie: agentCookie,
      body: { clientId: 'agent-file-01', text: 'Your invoice', attachmentIds: [up.json.id] },
    })
    expect(reply.status).toBe(201)
    expect(reply.json.attachments[0].filename).toBe('invoice.pdf')

    const events = await k.request('GET', `/api/widget/events?since=${before.json.seq}`, {
      bearer: v.visitorToken,
    })
    const live = events.json.events.find(
      (e: { type: string; message?: { id: string } }) =>
        e.type === 'message.created' && e.message?.id === reply.json.id,
    )
    expect(live.message.attachments[0].url).toMatch(/^\/files\//)
    const history = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
    const url = history.json.messages.at(-1).attachments[0].url
    const { res, bytes } = await fetchFile(url)
    expect(bytes.equals(PDF)).toBe(true)
    // Not an image: always a download, never rendered.
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/)
  })

  test("an upload is only its owner's, only once, and only where it was made", async () => {
    const a = await visitorWithConversation('owner-a-01')
    const b = await visitorWithConversation('owner-b-01')
    const up = await visitorUpload(a.visitorToken, 'a.png', PNG)

    const stolen = await k.request('POST', '/api/widget/messages', {
      bearer: b.visitorToken,
      body: { clientId: 'owner-b-02', text: 'mine now', attachmentIds: [up.json.id] },
    })
    expect(stolen.status).toBe(400)
    expect(stolen.json.error.code).toBe('attachment.invalid')

    const byAgent = await k.request('POST', `/api/conversations/${a.conversationId}/messages`, {
      cookie: agentCookie,
      body: { clientId: 'owner-agent-01', text: 'x', attachmentIds: [up.json.id] },
    })
    expect(byAgent.json.error.code).toBe('attachment.invalid')

    const ok = await k.request('POST', '/api/widget/messages', {
      bearer: a.visitorToken,
      body: { clientId: 'owner-a-02', text: '', attachmentIds: [up.json.id] },
    })
    expect(ok.status).toBe(201)
    const again = await k.request('POST', '/api/widget/messages', {
      bearer: a.visitorToken,
      body: { clientId: 'owner-a-03', text: 'again', attachmentIds: [up.json.id] },
    })
    expect(again.json.error.code).toBe('attachment.invalid')
    // The refused message was not stored, not even its text.
    const history = await k.request('GET', '/api/widget/messages', { bearer: a.visitorToken })
    expect(history.json.messages.map((m: { text: string }) => m.text)).not.toContain('again')

    const unknown = await k.request('POST', '/api/widget/messages', {
      bearer: a.visitorToken,
      body: { clientId: 'owner-a-04', text: '', attachmentIds: ['no-such-upload'] },
    })
    expect(unknown.json.error.code).toBe('attachment.invalid')

    // An agent's upload belongs to its conversation.
    const agentUp = await upload(
      `/api/conversations/${a.conversationId}/attachments`,
      { cookie: agentCookie },
      'a.png',
      PNG,
    )
    const elsewhere = await k.request('POST', `/api/conversations/${b.conversationId}/messages`, {
      cookie: agentCookie,
      body: { clientId: 'owner-agent-02', text: 'x', attachmentIds: [agentUp.json.id] },
    })
    expect(elsewhere.json.error.code).toBe('attachment.invalid')
  })

  test("another account's upload is refused, and agents upload only into their inboxes", async () => {
    const accountId = newId()
    await k.db.kysely
      .insertInto('accounts')
      .values({ id: accountId, name: 'Other', timezone: 'UTC', event_seq: 0, created_at: 1 })
      .execute()
    const otherInbox = await k.services.inboxes.createWidgetInbox({ accountId, name: 'Other' })
    const stranger = await k.startVisitor(otherInbox.public_token ?? '')
    const foreign = await visitorUpload(stranger.visitorToken, 'x.png', PNG)
    expect(foreign.status).toBe(201)

    const v = await visitorWithConversation('account-01')
    const res = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'account-02', text: '', attachmentIds: [foreign.json.id] },
    })
    expect(res.json.error.code).toBe('attachment.invalid')
    const agentRes = await k.request('POST', `/api/conversations/${v.conversationId}/messages`, {
      cookie: agentCookie,
      body: { clientId: 'account-03', text: 'x', attachmentIds: [foreign.json.id] },
    })
    expect(agentRes.json.error.code).toBe('attachment.invalid')

    await k.addAgent({ email: 'nobody@acme.test', name: 'No Inbox' })
    const outsider = await k.signIn('nobody@acme.test')
    const refused = await upload(
      `/api/conversations/${v.conversationId}/attachments`,
      { cookie: outsider },
      'x.png',
      PNG,
    )
    expect(refused.status).toBe(404)
    expect(refused.json.error.code).toBe('conversation.not_found')
  })

  test('an empty message needs files, and uploads need a visitor from the chat frame', async () => {
    const v = await k.startVisitor()
    const empty = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'empty-0001', text: '  ' },
    })
    expect(empty.status).toBe(400)
    expect(empty.json.error.code).toBe('request.invalid')
    const noToken = await upload('/api/widget/attachments', {}, 'a.png', PNG)
    expect(noToken.status).toBe(401)
    const foreignSite = await upload(
      '/api/widget/attachments',
      { bearer: v.visitorToken, origin: 'https://evil.example' },
      'a.png',
      PNG,
    )
    expect(foreignSite.status).toBe(403)
  })

  test('limits: oversize is 413, a kind the inbox does not take is 415, disguised files are refused', async () => {
    const v = await k.startVisitor()
    const put = await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie: agentCookie,
      body: { files: { maxBytes: 2048, allowedTypes: ['image', 'text'] } },
    })
    expect(put.status).toBe(200)
    const config = await k.request('GET', `/api/widget/config?inbox=${k.inbox.public_token}`)
    expect(config.json.inbox.files).toEqual({ maxBytes: 2048, allowedTypes: ['image', 'text'] })

    const big = await visitorUpload(v.visitorToken, 'big.txt', Buffer.alloc(3000, 'a'))
    expect(big.status).toBe(413)
    expect(big.json.error.code).toBe('file.too_large')

    const pdf = await visitorUpload(v.visitorToken, 'doc.pdf', PDF)
    expect(pdf.status).toBe(415)
    expect(pdf.json.error).toMatchObject({
      code: 'file.type_not_allowed',
      details: { reason: 'forbidden' },
    })

    const html = await visitorUpload(v.visitorToken, 'cat.png', HTML)
    expect(html.status).toBe(415)
    expect(html.json.error.details.reason).toBe('mismatch')
    const exe = await visitorUpload(v.visitorToken, 'holiday.jpg', EXE)
    expect(exe.status).toBe(415)
    expect(exe.json.error.details.reason).toBe('mismatch')
    const page = await visitorUpload(v.visitorToken, 'page.html', HTML)
    expect(page.status).toBe(415)
    const svg = await visitorUpload(v.visitorToken, 'logo.svg', SVG)
    expect(svg.status).toBe(415)
    const text = await visitorUpload(v.visitorToken, 'notes.txt', Buffer.from('订单号 12345\n'))
    expect(text.status).toBe(201)
    expect(text.json.contentType).toBe('text/plain')

    await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie: agentCookie,
      body: {},
    })
  })

  test('svg, html and mislabelled files are served only as downloads', async () => {
    const v = await k.startVisitor()
    const up = await visitorUpload(v.visitorToken, 'a.png', PNG)
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'serve-0001', text: '', attachmentIds: [up.json.id] },
    })
    // Email attachments keep the type the sender claimed; the bytes decide how they are served.
    const blobs = k.services.email.blobs
    const cases = [
      { name: 'logo.svg', type: 'image/svg+xml', bytes: SVG },
      { name: 'page.html', type: 'text/html', bytes: HTML },
      { name: 'fake.png', type: 'image/png', bytes: HTML },
    ]
    for (const c of cases) {
      const id = newId()
      await k.db.kysely
        .insertInto('attachments')
        .values({
          id,
          account_id: k.admin.accountId,
          message_id: sent.json.id,
          filename: c.name,
          content_type: c.type,
          size: c.bytes.length,
          storage_key: await blobs.put(c.bytes),
          content_id: null,
          inline: 0,
          created_at: Date.now() + 60_000,
        })
        .execute()
      const { res } = await fetchFile(k.services.files.urlFor(id))
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="${c.name}"; filename*=UTF-8''${c.name}`,
      )
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    }
    const agentView = await k.request('GET', `/api/conversations/${sent.json.conversationId}`, {
      cookie: agentCookie,
    })
    const names = agentView.json.messages
      .at(-1)
      .attachments.map((a: { filename: string }) => a.filename)
    expect(names).toEqual(['a.png', 'logo.svg', 'page.html', 'fake.png'])
  })

  test('expired and tampered URLs are refused with a code', async () => {
    const v = await k.startVisitor()
    const up = await visitorUpload(v.visitorToken, 'a.png', PNG)
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'expire-001', text: '', attachmentIds: [up.json.id] },
    })
    const url: string = sent.json.attachments[0].url
    const ok = await fetchFile(url)
    expect(ok.res.status).toBe(200)

    const tampered = await fetchFile(
      url.replace(/sig=(.)/, (_, ch) => `sig=${ch === 'a' ? 'b' : 'a'}`),
    )
    expect(tampered.res.status).toBe(404)
    expect(JSON.parse(tampered.bytes.toString()).error.code).toBe('file.not_found')
    const later = url.replace(/exp=(\d+)/, (_, exp) => `exp=${Number(exp) + 3600}`)
    expect((await fetchFile(later)).res.status).toBe(404)
    const otherFile = url.replace(/^\/files\/[^?]+/, `/files/${newId()}`)
    expect((await fetchFile(otherFile)).res.status).toBe(404)

    clockNow += 3 * 24 * 60 * 60_000
    try {
      const expired = await fetchFile(url)
      expect(expired.res.status).toBe(403)
      expect(JSON.parse(expired.bytes.toString()).error.code).toBe('file.link_expired')
      // Fetching the messages again hands out a URL that works.
      const fresh = await k.request('GET', '/api/widget/messages', { bearer: v.visitorToken })
      const again = await fetchFile(fresh.json.messages.at(-1).attachments[0].url)
      expect(again.res.status).toBe(200)
    } finally {
      clockNow = Date.now()
    }
  })

  test('unsent uploads are capped per sender and forgotten after a day, bytes included', async () => {
    const v = await k.startVisitor()
    const first = await visitorUpload(v.visitorToken, 'once.txt', Buffer.from(`only here ${kind}`))
    expect(first.status).toBe(201)
    for (let i = 1; i < 20; i++) {
      expect((await visitorUpload(v.visitorToken, `${i}.png`, PNG)).status).toBe(201)
    }
    const over = await visitorUpload(v.visitorToken, 'one-more.png', PNG)
    expect(over.status).toBe(429)
    expect(over.json.error.code).toBe('upload.rate_limited')

    const key = (
      await k.db.kysely
        .selectFrom('uploads')
        .select('storage_key')
        .where('id', '=', first.json.id)
        .executeTakeFirstOrThrow()
    ).storage_key
    clockNow += 25 * 60 * 60_000
    try {
      // What waited too long no longer counts, and can no longer be sent, swept or not.
      const fresh = await visitorUpload(v.visitorToken, 'fresh.png', PNG)
      expect(fresh.status).toBe(201)
      const late = await k.request('POST', '/api/widget/messages', {
        bearer: v.visitorToken,
        body: { clientId: 'late-00001', text: '', attachmentIds: [first.json.id] },
      })
      expect(late.json.error.code).toBe('attachment.invalid')
      // The clean-up (on a timer, not on the upload path) forgets the rows and unused bytes.
      expect(await k.services.files.sweep()).toBeGreaterThanOrEqual(20)
      const blob = await k.db.kysely
        .selectFrom('blobs')
        .select('key')
        .where('key', '=', key)
        .executeTakeFirst()
      expect(blob).toBeUndefined()
      // Bytes still used by a sent message stay.
      const png = await k.db.kysely
        .selectFrom('attachments')
        .select('storage_key')
        .where('filename', '=', 'a.png')
        .executeTakeFirstOrThrow()
      const kept = await k.db.kysely
        .selectFrom('blobs')
        .select('key')
        .where('key', '=', png.storage_key)
        .executeTakeFirst()
      expect(kept?.key).toBe(png.storage_key)
    } finally {
      clockNow = Date.now()
    }
  })
  test('names that run or render are refused; a name without its kind’s extension gets one', async () => {
    const v = await k.startVisitor()
    for (const name of ['page.html', 'run.bat', 'x.hta', 'app.js', 'a.ps1', 'logo.svg']) {
      const res = await visitorUpload(v.visitorToken, name, Buffer.from('hello there\n'))
      expect(res.status, name).toBe(415)
      expect(res.json.error).toMatchObject({
        code: 'file.type_not_allowed',
        details: { reason: 'mismatch' },
      })
    }
    const bare = await visitorUpload(v.visitorToken, '说明', Buffer.from('订单号 12345\n'))
    expect(bare.status).toBe(201)
    expect(bare.json.filename).toBe('说明.txt')
    const odd = await visitorUpload(v.visitorToken, 'shot.dat', PNG)
    expect(odd.json.filename).toBe('shot.dat.png')
    const rtl = await visitorUpload(v.visitorToken, 'invoice\u202Efdp.exe', Buffer.from('hi\n'))
    expect(rtl.status).toBe(415)
  })

  /** A multipart body of `size` bytes sent as a stream; `pulled` counts what the server read. */
  function streamedUpload(
    path: string,
    headers: Record<string, string>,
    size: number,
    withLength: boolean,
  ) {
    const boundary = 'kefu-test-boundary'
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\n` +
        'content-type: text/plain\r\n\r\n',
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const total = head.length + size + tail.length
    const chunk = 16 * 1024
    const state = { pulled: 0 }
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        let piece: Buffer
        if (sent === 0) piece = head
        else if (sent >= head.length + size) {
          controller.enqueue(tail)
          state.pulled += tail.length
          controller.close()
          return
        } else piece = Buffer.alloc(Math.min(chunk, head.length + size - sent), 'a')
        sent += piece.length
        state.pulled += piece.length
        controller.enqueue(piece)
      },
    })
    const request = new Request(`${TEST_ORIGIN}${path}`, {
      method: 'POST',
      headers: {
        origin: TEST_ORIGIN,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(withLength ? { 'content-length': String(total) } : {}),
        ...headers,
      },
      body,
      duplex: 'half',
    } as RequestInit)
    return { request, state }
  }

  test('an upload larger than the inbox allows is refused unread, by its Content-Length or as it streams', async () => {
    await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
      cookie: agentCookie,
      body: { files: { maxBytes: 2048 } },
    })
    try {
      const v = await k.startVisitor()
      const size = 2 * 1024 * 1024
      const declared = streamedUpload(
        '/api/widget/attachments',
        { authorization: `Bearer ${v.visitorToken}` },
        size,
        true,
      )
      const res = await k.app.request(declared.request)
      expect(res.status).toBe(413)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('file.too_large')
      expect(declared.state.pulled).toBeLessThan(64 * 1024)

      const c = await visitorWithConversation('stream-big-01')
      const chunked = streamedUpload(
        `/api/conversations/${c.conversationId}/attachments`,
        { cookie: agentCookie },
        size,
        false,
      )
      const res2 = await k.app.request(chunked.request)
      expect(res2.status).toBe(413)
      // Read up to the inbox's limit plus the multipart framing, not the whole 2 MB.
      expect(chunked.state.pulled).toBeLessThan(2048 + 64 * 1024 + 64 * 1024)
    } finally {
      await k.request('PUT', `/api/inboxes/${k.inbox.id}/settings`, {
        cookie: agentCookie,
        body: {},
      })
    }
  })

  test("an agent's uploads are rate limited too", async () => {
    await k.addAgent({ email: `busy-${kind}@acme.test`, name: 'Busy', role: 'admin' })
    const busy = await k.signIn(`busy-${kind}@acme.test`)
    const c = await visitorWithConversation('agent-rate-01')
    const statuses: number[] = []
    for (let i = 0; i < 121; i++) {
      // No file in the form: refused after the rate limit took its count, nothing is stored.
      const form = new FormData()
      form.append('note', 'no file')
      const res = await k.app.request(
        `${TEST_ORIGIN}/api/conversations/${c.conversationId}/attachments`,
        { method: 'POST', headers: { cookie: busy, origin: TEST_ORIGIN }, body: form },
      )
      statuses.push(res.status)
      if (res.status === 429) {
        const json = (await res.json()) as { error: { code: string } }
        expect(json.error.code).toBe('upload.rate_limited')
        break
      }
    }
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.slice(0, -1).every((st) => st === 400)).toBe(true)
    expect(statuses.length).toBeGreaterThan(20)
  })

  test('events keep no file URLs: live, replayed and fetched messages get fresh ones', async () => {
    const v = await visitorWithConversation('fresh-urls-01')
    const before = await k.request('GET', '/api/events?since=0', { cookie: agentCookie })
    const pushed: { type: string; message?: { attachments?: { url: string | null }[] } }[] = []
    const stop = k.services.bus.subscribe((e) => pushed.push(e.event as (typeof pushed)[number]))
    const up = await visitorUpload(v.visitorToken, 'fresh.png', PNG)
    const sent = await k.request('POST', '/api/widget/messages', {
      bearer: v.visitorToken,
      body: { clientId: 'fresh-urls-02', text: '', attachmentIds: [up.json.id] },
    })
    expect(sent.status).toBe(201)
    stop()
    const live = pushed.find((e) => e.type === 'message.created')
    expect(live?.message?.attachments?.[0]?.url).toMatch(/^\/files\//)

    const stored = await k.db.kysely
      .selectFrom('events')
      .select('payload')
      .where('account_id', '=', k.admin.accountId)
      .where('type', '=', 'message.created')
      .where('seq', '>', before.json.seq)
      .execute()
    const withFile = stored
      .map((r) => JSON.parse(r.payload))
      .find((e) => e.message.id === sent.json.id)
    expect(withFile.message.attachments[0].id).toBe(up.json.id)
    expect(withFile.message.attachments[0]).not.toHaveProperty('url')

    clockNow += 3 * 24 * 60 * 60_000
    try {
      const replays = [
        await k.request('GET', `/api/events?since=${before.json.seq}`, { cookie: agentCookie }),
        await k.request('GET', '/api/widget/events?since=0', { bearer: v.visitorToken }),
      ]
      for (const replay of replays) {
        const event = replay.json.events.find(
          (e: { type: string; message?: { id: string } }) =>
            e.type === 'message.created' && e.message?.id === sent.json.id,
        )
        const { res, bytes } = await fetchFile(event.message.attachments[0].url)
        expect(res.status).toBe(200)
        expect(bytes.equals(PNG)).toBe(true)
      }
      // A resend of the same message answers with its files too.
      const again = await k.request('POST', '/api/widget/messages', {
        bearer: v.visitorToken,
        body: { clientId: 'fresh-urls-02', text: '', attachmentIds: [up.json.id] },
      })
      expect((await fetchFile(again.json.attachments[0].url)).res.status).toBe(200)
    } finally {
      clockNow = Date.now()
    }
  })

  test('the clean-up never deletes bytes that are being stored again, and runs under a lease', async () => {
    const v = await k.startVisitor()
    const bytes = Buffer.from(`reused bytes ${kind} ${newId()}\n`)
    const stale = await visitorUpload(v.visitorToken, 'reused.txt', bytes)
    expect(stale.status).toBe(201)
    const { storage_key: key } = await k.db.kysely
      .selectFrom('uploads')
      .select('storage_key')
      .where('id', '=', stale.json.id)
      .executeTakeFirstOrThrow()
    clockNow += 25 * 60 * 60_000
    try {
      // Another sender stores the same bytes in a transaction that has not committed yet.
      let commit = () => {}
      const held = new Promise<void>((resolve) => {
        commit = resolve
      })
      const blobs = createBlobStore(k.db.kysely, () => clockNow)
      let stored!: () => void
      const putDone = new Promise<void>((resolve) => {
        stored = resolve
      })
      const other = k.db.kysely.transaction().execute(async (tx) => {
        await blobs.put(bytes, tx)
        stored()
        await held
        await tx
          .insertInto('uploads')
          .values({
            id: newId(),
            account_id: k.admin.accountId,
            inbox_id: k.inbox.id,
            owner_type: 'visitor',
            owner_id: 'someone-else',
            conversation_id: null,
            filename: 'same.txt',
            content_type: 'text/plain',
            size: bytes.length,
            storage_key: key,
            message_id: null,
            created_at: clockNow,
          })
          .execute()
      })
      await putDone
      const swept = k.services.files.sweep()
      await new Promise((r) => setTimeout(r, 150))
      commit()
      await other
      expect(await swept).toBeGreaterThanOrEqual(1)
      const blob = await k.db.kysely
        .selectFrom('blobs')
        .select('key')
        .where('key', '=', key)
        .executeTakeFirst()
      expect(blob?.key).toBe(key)

      // Another process holds the clean-up's lease: this one leaves everything alone.
      const late = await visitorUpload(v.visitorToken, 'late.txt', Buffer.from(`late ${kind}\n`))
      clockNow += 25 * 60 * 60_000
      await k.db.kysely
        .insertInto('leases')
        .values({ name: 'files:sweep', holder: 'other-node', expires_at: clockNow + 60_000 })
        .execute()
      await k.services.files.sweepRound()
      const waiting = () =>
        k.db.kysely.selectFrom('uploads').select('id').where('id', '=', late.json.id).execute()
      expect(await waiting()).toHaveLength(1)
      await k.db.kysely.deleteFrom('leases').where('name', '=', 'files:sweep').execute()
      await k.services.files.sweepRound()
      expect(await waiting()).toHaveLength(0)
      // The timer starts and stops cleanly, releasing the lease.
      k.services.files.start()
      await k.services.files.stop()
      const lease = await k.db.kysely
        .selectFrom('leases')
        .select('holder')
        .where('name', '=', 'files:sweep')
        .executeTakeFirst()
      expect(lease).toBeUndefined()
    } finally {
      clockNow = Date.now()
    }
  })
})
