import type { Db } from '../db/dialects.js'
import type { EventBus } from '../events.js'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'

/** What every use case may need; built once in main.ts (or a test) and passed down. */
export interface CoreDeps {
  db: Db
  bus: EventBus
  clock: Clock
  logger: Logger
}
