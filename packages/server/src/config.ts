import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

// Every setting comes from the environment, is validated once at start-up, and fails with a
// message that names the variable. The README's configuration reference lists the same ones.

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'must start with sqlite: or postgres://')
    .optional(),
  PUBLIC_URL: z.url().optional(),
  KEFU_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  EMAIL_CONTINUITY_DELAY_SECONDS: z.coerce.number().min(0).max(3600).default(90),
  EMAIL_CONTINUITY_WINDOW_SECONDS: z.coerce.number().min(0).max(86_400).default(300),
})

export interface Config {
  port: number
  host: string
  dataDir: string
  databaseUrl: string
  publicUrl: string
  /** Signs and encrypts what Kefu hands out; generated and kept in DATA_DIR when not given. */
  secret: string
  secretSource: 'env' | 'file' | 'generated'
  logLevel: string
  trustProxy: boolean
  /** Email continuity: the first email waits delayMs (a visitor who is just reconnecting sees the
   * reply in the chat instead); later ones at least windowMs after the previous. */
  emailContinuity?: { delayMs: number; windowMs: number }
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  const { secret, source } = e.KEFU_SECRET
    ? { secret: e.KEFU_SECRET, source: 'env' as const }
    : loadOrCreateSecret(dataDir)
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${join(dataDir, 'kefu.db')}`,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    secret,
    secretSource: source,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    emailContinuity: {
      delayMs: e.EMAIL_CONTINUITY_DELAY_SECONDS * 1000,
      windowMs: e.EMAIL_CONTINUITY_WINDOW_SECONDS * 1000,
    },
  }
}

function loadOrCreateSecret(dataDir: string): { secret: string; source: 'file' | 'generated' } {
  const file = join(dataDir, 'secret')
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'file' }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return { secret, source: 'generated' }
}
