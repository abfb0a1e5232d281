import type { Server } from 'node:http'
import { type ServerType, serve } from '@hono/node-server'
import { createApp } from './app.js'
import type { Config } from './config.js'
import { openDatabase, redactUrl } from './db/dialects.js'
import { migrateToLatest } from './db/migrate.js'
import { attachSockets } from './realtime/sockets.js'
import { createServices } from './services.js'
import { newSecretToken } from './shared/ids.js'
import { createLogger, type Logger } from './shared/logger.js'

export interface RunningKefu {
  url: string
  port: number
  services: ReturnType<typeof createServices>
  stop(): Promise<void>
}

/** Composition root: config → db → modules → app → listen. */
export async function startKefu(
  config: Config,
  options: { logger?: Logger; assets?: Parameters<typeof createApp>[1] } = {},
): Promise<RunningKefu> {
  const logger = options.logger ?? createLogger({ level: config.logLevel })
  const db = openDatabase(config.databaseUrl)
  const applied = await migrateToLatest(db)
  if (applied.length) logger.info({ migrations: applied }, 'database migrated')

  const services = createServices({ config, db, logger })
  if (await services.accounts.needsSetup()) services.setup.token = newSecretToken()

  const app = createApp(services, options.assets)
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    )
  })
  const sockets = attachSockets(server as Server, services)
  await services.email.start()
  services.files.start()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  // PORT=0 (tests, benchmarks) picks a free port; links must name the real one.
  if (new URL(config.publicUrl).port === '0') config.publicUrl = `http://localhost:${port}`
  logger.info(
    { port, database: redactUrl(config.databaseUrl), secretSource: config.secretSource },
    'kefu listening',
  )

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      // Stop accepting, tell sockets to go away (clients resume elsewhere), then close the pool.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await sockets.close()
      await services.email.stop()
      await services.files.stop()
      ;(server as Server).closeIdleConnections?.()
      await closed
      await db.close()
      logger.info('kefu stopped')
    })()
    return stopping
  }

  return { url: `http://127.0.0.1:${port}`, port, services, stop }
}
