import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { VisitorServerFrame } from '@kefu/protocol'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { type RunningKefu, startKefu } from '../main.js'
import { createLogger } from '../shared/logger.js'
import { PASSWORD, testConfig } from '../test/harness.js'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

describe('files over the visitor socket', () => {
  let kefu: RunningKefu
  let dir: string
  let origin: string
  let inboxToken: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kefu-files-ws-'))
    kefu = await startKefu(
      testConfig({
        databaseUrl: `sqlite:${join(dir, 'kefu.db')}`,
        publicUrl: 'http://localhost:0',
      }),
      { logger: createLogger({ level: 'silent' }) },
    )
    origin = `http://127.0.0.1:${kefu.port}`
    await kefu.services.accounts.createAdmin({
      name: 'Ada',
      email: 'ada@acme.test',
      password: PASSWORD,
    })
    inboxToken = (await kefu.services.inboxes.firstWidgetInbox())!.public_token!
  })
  afterAll(async () => {
    await kefu?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  async function visitor() {
    const res = await fetch(`${origin}/api/widget/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ inbox: inboxToken }),
    })
    const { visitorToken } = (await res.json()) as { visitorToken: string }
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(PNG)]), 'dot.png')
    const up = await fetch(`${origin}/api/widget/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitorToken}`, origin },
      body: form,
    })
    expect(up.status).toBe(201)
    const { id } = (await up.json()) as { id: string }

    const ws = new WebSocket(`ws://127.0.0.1:${kefu.port}/api/widget/ws`)
    const frames: VisitorServerFrame[] = []
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())))
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ type: 'auth', visitorToken }))
    const next = async (match: (f: VisitorServerFrame) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const found = frames.find(match)
        if (found) return found
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error('no matching frame')
    }
    await next((f) => f.type === 'ready')
    return { ws, uploadId: id, next }
  }

  test('a message frame may carry only files; someone else’s upload or nothing at all is refused', async () => {
    const a = await visitor()
    const b = await visitor()

    b.ws.send(
      JSON.stringify({
        type: 'message',
        clientId: 'ws-steal-01',
        text: '',
        attachmentIds: [a.uploadId],
      }),
    )
    const stolen = await b.next((f) => f.type === 'error' && f.clientId === 'ws-steal-01')
    expect(stolen).toMatchObject({ code: 'attachment.invalid' })

    b.ws.send(JSON.stringify({ type: 'message', clientId: 'ws-empty-01', text: ' ' }))
    const empty = await b.next((f) => f.type === 'error' && f.clientId === 'ws-empty-01')
    expect(empty).toMatchObject({ code: 'request.invalid' })

    a.ws.send(
      JSON.stringify({
        type: 'message',
        clientId: 'ws-file-01',
        text: '',
        attachmentIds: [a.uploadId],
      }),
    )
    const ack = await a.next((f) => f.type === 'ack' && f.clientId === 'ws-file-01')
    if (ack.type !== 'ack') throw new Error('expected an ack')
    expect(ack.message.attachments?.[0]).toMatchObject({ id: a.uploadId, image: true })
    const file = await fetch(`${origin}${ack.message.attachments?.[0]?.url}`)
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true)
    a.ws.close()
    b.ws.close()
  })
})
