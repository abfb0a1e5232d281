// Kefu benchmarks: sizes of what browsers download, and the realtime path under load on this
// machine. Prints one results table. Run with `pnpm bench` (it builds first).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import WebSocket from 'ws'
import { ADMIN, startKefuProcess } from '../src/harness.js'
import { emailBenchmarks } from './email.js'
import { loadWidget } from './widget-open.js'

const root = join(import.meta.dirname, '../..')
const rows: [string, string, string][] = []
const row = (name: string, value: string, target = '') => {
  rows.push([name, value, target])
  console.error(`  ${name}: ${value}`)
}

const gzipKb = (files: string[]) =>
  files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0) / 1024

function sizes() {
  const dist = join(root, 'packages/widget/dist')
  const loader = gzipKb([join(dist, 'loader.js')])
  const assets = readdirSync(join(dist, 'assets')).map((f) => join(dist, 'assets', f))
  const app = gzipKb([join(dist, 'frame.html'), ...assets.filter((f) => /\.(js|css)$/.test(f))])
  const inboxAssets = readdirSync(join(root, 'packages/inbox/dist/assets')).map((f) =>
    join(root, 'packages/inbox/dist/assets', f),
  )
  row('widget loader (gzip)', `${loader.toFixed(2)} KB`, '≤ 3 KB')
  row('widget app incl. Preact (gzip)', `${app.toFixed(2)} KB`, '≤ 25 KB')
  row(
    'inbox app (gzip)',
    `${gzipKb(inboxAssets.filter((f) => /\.(js|css)$/.test(f))).toFixed(1)} KB`,
  )
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Visitor {
  ws: WebSocket
  acks: Map<string, (at: number) => void>
}

async function realtime() {
  // Behind a "proxy" so each simulated visitor has its own address, as on the internet; the
  // per-address limit on new visitors would otherwise stop the 1,000 sessions.
  const kefu = await startKefuProcess({ LOG_LEVEL: 'error', TRUST_PROXY: 'true' })
  try {
    const origin = kefu.url
    const login = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    })
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? ''
    const inboxes = (await (
      await fetch(`${origin}/api/inboxes`, { headers: { cookie } })
    ).json()) as {
      inboxes: { publicToken: string }[]
    }
    const inboxToken = inboxes.inboxes[0]?.publicToken ?? ''

    // One agent socket receives every visitor message as an event.
    const sentAt = new Map<string, number>()
    const latencies: number[] = []
    let delivered = 0
    const agent = new WebSocket(`${origin.replace('http', 'ws')}/api/agent/ws`, {
      headers: { cookie, origin },
    })
    agent.on('message', (data) => {
      const frame = JSON.parse(data.toString())
      if (frame.type !== 'event' || frame.event.type !== 'message.created') return
      const started = sentAt.get(frame.event.message.clientId)
      if (started !== undefined) {
        latencies.push(performance.now() - started)
        sentAt.delete(frame.event.message.clientId)
      }
      delivered++
    })
    await new Promise((r) => agent.once('open', r))

    // Sessions first (HTTP), then sockets. 1,000 sockets carry the load below; the memory figure
    // comes last, from 1,000 more opened on a warmed-up server, so it counts sockets only.
    const VISITORS = 1000
    const tokens: string[] = []
    for (let i = 0; i < 2 * VISITORS; i++) {
      const res = await fetch(`${origin}/api/widget/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `127.1.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({ inbox: inboxToken }),
      })
      tokens.push(((await res.json()) as { visitorToken: string }).visitorToken)
    }
    const visitors: Visitor[] = []
    const connect = async (visitorToken: string) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/widget/ws`)
      const v: Visitor = { ws, acks: new Map() }
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString())
        if (frame.type === 'ack') v.acks.get(frame.clientId)?.(performance.now())
      })
      await new Promise((r) => ws.once('open', r))
      const ready = new Promise((r) => ws.once('message', r))
      ws.send(JSON.stringify({ type: 'auth', visitorToken }))
      await ready
      return v
    }
    for (const t of tokens.slice(0, VISITORS)) visitors.push(await connect(t))
    await sleep(1000)

    // Steady load: 200 messages per second from random visitors for 10 seconds.
    let n = 0
    const send = (v: Visitor) => {
      const clientId = `bench-${n++}`
      sentAt.set(clientId, performance.now())
      return new Promise<void>((resolve) => {
        v.acks.set(clientId, () => {
          v.acks.delete(clientId)
          resolve()
        })
        v.ws.send(JSON.stringify({ type: 'message', clientId, text: `load message ${n} 你好` }))
      })
    }
    const RATE = 200
    const SECONDS = 10
    const started = performance.now()
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = started + (i * 1000) / RATE
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      void send(visitors[Math.floor(Math.random() * visitors.length)]!)
    }
    await sleep(1000)
    latencies.sort((a, b) => a - b)
    row(
      'visitor→agent latency p50 / p99',
      `${percentile(latencies, 50).toFixed(2)} / ${percentile(latencies, 99).toFixed(2)} ms (${RATE} msg/s, ${VISITORS} sockets, ${latencies.length} samples)`,
      'p99 ≤ 15 ms',
    )

    // Throughput: as many messages as the server takes, 64 in flight, for 5 seconds.
    delivered = 0
    let acked = 0
    const until = performance.now() + 5000
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: 64 }, async (_, lane) => {
        while (performance.now() < until) {
          await send(visitors[(lane * 15 + acked) % visitors.length]!)
          acked++
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    await sleep(500)
    row(
      'messages persisted and delivered per second',
      `${Math.round(acked / seconds)} stored+acked/s, ${Math.round(delivered / seconds)} delivered to agent/s`,
    )
    await sleep(2000)
    const rssBefore = rssKiB(kefu.child.pid!)
    const extra: Visitor[] = []
    for (const t of tokens.slice(VISITORS)) extra.push(await connect(t))
    await sleep(3000)
    const rssAfter = rssKiB(kefu.child.pid!)
    row(
      'server memory per idle visitor socket',
      `${((rssAfter - rssBefore) / extra.length).toFixed(1)} KiB (RSS growth for ${extra.length} more sockets on top of ${VISITORS})`,
      '≤ 24 KiB',
    )
    for (const v of [...visitors, ...extra]) v.ws.terminate()
    agent.terminate()
  } finally {
    await kefu.stop()
  }
}

async function main() {
  console.error('Kefu benchmarks (this takes about a minute)…')
  // KEFU_BENCH=realtime (or sizes, email, widget) runs one part only.
  const only = process.env.KEFU_BENCH
  const part = (name: string) => !only || only.split(',').includes(name)
  if (part('sizes')) sizes()
  if (part('realtime')) await realtime()
  if (part('email')) await emailBenchmarks(row)
  if (part('widget')) {
    const first = await loadWidget()
    row(
      'widget first open (click → composer ready)',
      `${first.toFixed(0)} ms (headless Chromium, loopback)`,
    )
  }

  const w = [0, 1, 2].map((i) =>
    Math.max(...rows.map((r) => r[i]!.length), ['metric', 'result', 'target'][i]!.length),
  )
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`
  console.log(line(['metric', 'result', 'target']))
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`)
  for (const r of rows) console.log(line(r))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
