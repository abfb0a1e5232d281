import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { AgentServerFrame, VisitorServerFrame } from '@kefu/protocol'
import { type RawData, WebSocket, WebSocketServer } from 'ws'
import { z } from 'zod'
import type { Principal } from '../agents/access.js'
import type { Visitor } from '../channels/widget/visitors.usecases.js'
import {
  conversationIdField,
  messageTarget,
  oneTarget,
  readReceiptBody,
} from '../channels/widget/widget.schemas.js'
import { messageContent, requireContent } from '../files/files.content.js'
import type { Services } from '../services.js'
import { AppError } from '../shared/errors.js'
import { SESSION_COOKIE } from '../shared/http.js'
import { clientId } from '../shared/validation.js'
import type { AgentConnection } from './hub.js'

// The only file that knows about `ws`. Sockets are for pushing; anything a client missed while
// disconnected it fetches over HTTP with events?since=N, so a dropped socket loses nothing.

const MAX_FRAME_BYTES = 64 * 1024
/** A client this far behind is cut off; it will resume over HTTP instead of growing our memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const HEARTBEAT_MS = 30_000
const MAX_QUEUED_FRAMES = 32
const AUTH_TIMEOUT_MS = 10_000
/** Sessions can be revoked (logout, password change); open sockets re-check this often. */
const SESSION_RECHECK_MS = 60_000

const agentFrame = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('typing'),
    conversationId: z.string().max(64),
    typing: z.boolean(),
  }),
  z.strictObject({ type: z.literal('viewing'), conversationId: z.string().max(64).nullable() }),
  z.strictObject({ type: z.literal('ping') }),
])

const visitorFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), visitorToken: z.string().max(128) }),
  z
    .strictObject({
      type: z.literal('message'),
      clientId,
      ...messageContent,
      ...messageTarget,
    })
    .superRefine(oneTarget),
  z.strictObject({
    type: z.literal('typing'),
    typing: z.boolean(),
    conversationId: conversationIdField.optional(),
  }),
  readReceiptBody.extend({ type: z.literal('read') }),
  z.strictObject({ type: z.literal('ping') }),
])

type Frame = AgentServerFrame | VisitorServerFrame

function send(ws: WebSocket, frame: Frame): void {
  if (ws.readyState !== WebSocket.OPEN) return
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate()
    return
  }
  ws.send(JSON.stringify(frame))
}

function readFrame<T extends z.ZodType>(
  ws: WebSocket,
  data: RawData,
  schema: T,
): z.infer<T> | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(data.toString())
  } catch {
    send(ws, { type: 'error', code: 'frame.malformed_json', message: 'Frames must be JSON.' })
    return undefined
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const clientIdOf = (raw as { clientId?: unknown } | null)?.clientId
    const issue = parsed.error.issues[0]
    send(ws, {
      type: 'error',
      code: 'frame.invalid',
      message: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'Invalid frame.',
      ...(typeof clientIdOf === 'string' && clientIdOf.length <= 64
        ? { clientId: clientIdOf }
        : {}),
    })
    return undefined
  }
  return parsed.data
}

/**
 * Handles a socket's frames one after another: a visitor's two quick messages are stored in the
 * order they were sent, and a frame right behind 'auth' waits for it.
 */
function inOrder(ws: WebSocket, handle: (data: RawData) => Promise<void>): void {
  let chain = Promise.resolve()
  let queued = 0
  ws.on('message', (data) => {
    // A client that sends far faster than we store is cut off instead of queueing without end.
    if (++queued > MAX_QUEUED_FRAMES) {
      ws.close(1008, 'too many frames')
      return
    }
    chain = chain
      .then(() => handle(data))
      .catch(() => ws.terminate())
      .finally(() => {
        queued--
      })
  })
}

function parseCookies(header: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i > 0) map.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()))
  }
  return map
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}

export function attachSockets(server: Server, s: Services) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  const alive = new WeakMap<WebSocket, boolean>()

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  const accept = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    then: (ws: WebSocket) => void,
  ) =>
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.set(ws, true)
      ws.on('pong', () => alive.set(ws, true))
      ws.on('error', () => ws.terminate())
      then(ws)
    })

  const ownOrigins = (req: IncomingMessage) =>
    new Set([
      new URL(s.config.publicUrl).origin,
      `http://${req.headers.host}`,
      `https://${req.headers.host}`,
    ])

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0]
    try {
      if (path === '/api/agent/ws') {
        // Cookies ride along on cross-site WebSocket handshakes; only Kefu's own pages may open one.
        const origin = req.headers.origin
        if (!origin || !ownOrigins(req).has(origin)) return refuse(socket, 403, 'Forbidden')
        const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE)
        const principal = token ? await s.agents.authenticate(token) : undefined
        if (!token || !principal) return refuse(socket, 401, 'Unauthorized')
        accept(req, socket, head, (ws) => onAgent(ws, principal, token))
      } else if (path === '/api/widget/ws') {
        // Like the visitor HTTP API: browsers may open it only from the chat frame's origin.
        const origin = req.headers.origin
        if (origin && !ownOrigins(req).has(origin)) return refuse(socket, 403, 'Forbidden')
        accept(req, socket, head, (ws) => onVisitor(ws))
      } else {
        refuse(socket, 404, 'Not Found')
      }
    } catch (err) {
      s.logger.error({ err }, 'websocket upgrade failed')
      refuse(socket, 500, 'Internal Server Error')
    }
  }
  server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head))
  // Visitors hear when their inbox's availability changes (agents, hours) without asking.
  const stopAvailability = s.availability.pushToVisitors()

  function onAgent(ws: WebSocket, principal: Principal & { sessionId: string }, token: string) {
    const { sessionId: _sessionId, ...p } = principal
    // Handlers are attached before anything is awaited: a socket that closes (or speaks) while
    // its scope loads must neither stay registered nor lose frames.
    let conn: AgentConnection | undefined
    let remove = () => {}
    const recheck = setInterval(async () => {
      const still = await s.agents.authenticate(token).catch(() => undefined)
      if (!still) ws.close(4401, 'session ended')
    }, SESSION_RECHECK_MS)
    ws.on('close', () => {
      remove()
      clearInterval(recheck)
    })
    const ready = (async () => {
      const scope = await s.agents.inboxScope(p)
      if (ws.readyState !== WebSocket.OPEN) return
      conn = { principal: p, scope, send: (frame) => send(ws, frame) }
      remove = s.hub.addAgent(conn)
      send(ws, { type: 'ready', seq: await s.conversations.currentSeq(p.accountId) })
    })().catch((err) => {
      s.logger.error({ err }, 'agent socket set-up failed')
      ws.close(1011, 'try again')
    })
    inOrder(ws, async (data) => {
      await ready
      if (!conn) return
      const frame = readFrame(ws, data, agentFrame)
      if (!frame) return
      if (frame.type === 'ping') return send(ws, { type: 'pong' })
      if (frame.type === 'typing') {
        const ok = await s.hub.agentTyping({
          from: conn,
          conversationId: frame.conversationId,
          typing: frame.typing,
        })
        if (!ok)
          send(ws, {
            type: 'error',
            code: 'conversation.not_found',
            message: 'No such conversation.',
          })
      }
      // 'viewing' is accepted now so clients can send it; collision detection builds on it.
    })
  }

  function onVisitor(ws: WebSocket) {
    let visitor: Visitor | undefined
    const timer = setTimeout(() => {
      if (!visitor) ws.close(4401, 'auth expected')
    }, AUTH_TIMEOUT_MS)
    let remove = () => {}
    ws.on('close', () => {
      clearTimeout(timer)
      remove()
    })

    inOrder(ws, async (data) => {
      const frame = readFrame(ws, data, visitorFrame)
      if (!frame) return
      if (frame.type === 'ping') return send(ws, { type: 'pong' })
      if (!visitor) {
        if (frame.type !== 'auth') {
          return send(ws, {
            type: 'error',
            code: 'visitor.unauthenticated',
            message: 'Send an auth frame first.',
          })
        }
        try {
          visitor = await s.visitors.authenticate(frame.visitorToken)
        } catch {
          ws.close(4401, 'unknown visitor')
          return
        }
        clearTimeout(timer)
        const v = visitor
        const verified = await s.visitors.isVerified(v)
        // Closed while it was being checked: nothing to register.
        if (ws.readyState !== WebSocket.OPEN) return
        remove = s.hub.addVisitor({
          accountId: v.accountId,
          contactId: v.contactId,
          inboxId: v.inboxId,
          verified,
          send: (f) => send(ws, f),
        })
        send(ws, { type: 'ready', seq: await s.conversations.currentSeq(v.accountId) })
        return
      }
      if (frame.type === 'auth') return
      if (frame.type === 'message') {
        try {
          requireContent(frame)
          s.visitors.checkMessageRate(visitor)
          const { message } = await s.conversations.receiveMessage({
            accountId: visitor.accountId,
            inboxId: visitor.inboxId,
            contactId: visitor.contactId,
            clientId: frame.clientId,
            text: frame.text,
            attachments: frame.attachmentIds && {
              visitorId: visitor.id,
              ids: frame.attachmentIds,
            },
            chooseConversation: s.visitorConversations.chooser(visitor, frame),
          })
          send(ws, { type: 'ack', clientId: frame.clientId, message })
        } catch (err) {
          const known = err instanceof AppError
          if (!known) s.logger.error({ err }, 'visitor message failed')
          send(ws, {
            type: 'error',
            code: known ? err.code : 'internal.error',
            message: known ? err.message : 'The message could not be stored; try again.',
            clientId: frame.clientId,
          })
        }
        return
      }
      if (frame.type === 'read') {
        try {
          await s.receipts.contactRead({
            accountId: visitor.accountId,
            inboxId: visitor.inboxId,
            contactId: visitor.contactId,
            conversationId: frame.conversationId,
            seq: frame.seq,
          })
        } catch (err) {
          const known = err instanceof AppError
          if (!known) s.logger.error({ err }, 'visitor read receipt failed')
          send(ws, {
            type: 'error',
            code: known ? err.code : 'internal.error',
            message: known ? err.message : 'The read receipt could not be stored.',
          })
        }
        return
      }
      if (frame.type === 'typing') {
        // The visitor's own conversation (anyone else's is silently ignored), else their latest.
        const v = visitor
        const id = frame.conversationId
          ? await s.visitorConversations.requireOwn(v, frame.conversationId).catch((err) => {
              if (err instanceof AppError) return undefined
              throw err
            })
          : await s.visitorConversations.latest(v)
        const conversation = id
          ? await s.conversations.repo.findConversation(v.accountId, id)
          : undefined
        if (conversation && conversation.status !== 'resolved') {
          s.hub.visitorTyping({
            accountId: visitor.accountId,
            inboxId: visitor.inboxId,
            conversationId: conversation.id,
            typing: frame.typing,
          })
        }
      }
    })
  }

  return {
    wss,
    /** Closes every socket with "going away" so clients reconnect to another node or later. */
    async close(): Promise<void> {
      clearInterval(heartbeat)
      stopAvailability()
      for (const ws of wss.clients) ws.close(1001, 'server shutting down')
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
