import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.js'

// The only file that names a database driver. Everything else speaks Kysely.

export type DatabaseKind = 'sqlite' | 'postgres'

export interface Db {
  kysely: Kysely<Database>
  kind: DatabaseKind
  close(): Promise<void>
}

// Epoch milliseconds and sequences are BIGINT in PostgreSQL; they stay far below 2^53, so numbers
// are exact and the rest of the code never sees strings for them.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10))

export function openDatabase(url: string): Db {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: 10 })
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { kysely, kind: 'postgres', close: () => kysely.destroy() }
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length)
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true })
    const sqlite = new SQLite(file)
    // WAL lets readers continue while one writer commits; NORMAL sync is durable across
    // application crashes, which is the failure that matters for an embedded default.
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    const checkpointer = file === ':memory:' ? undefined : startCheckpointer(resolve(file))
    // Checkpoints normally run off the main thread (below); this is only the safety net that
    // bounds the WAL if that thread ever stops.
    if (checkpointer) sqlite.pragma('wal_autocheckpoint = 20000')
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite, 500) }),
    })
    return {
      kysely,
      kind: 'sqlite',
      close: async () => {
        await checkpointer?.terminate()
        await kysely.destroy()
      },
    }
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got "${redactUrl(url)}")`)
}

/**
 * Kysely prepares every query afresh; compiling SQL was a tenth of the time of storing an email.
 * Kysely emits the same SQL text for the same query shape, so prepared statements are kept,
 * least recently used first out. (Kysely never streams from SQLite here, so a statement is never
 * busy when it is reused.)
 */
function withStatementCache(db: SQLite.Database, max: number) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    prepare(sql: string): SQLite.Statement {
      let statement = cache.get(sql)
      if (statement) {
        cache.delete(sql)
      } else {
        statement = db.prepare(sql)
        if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      }
      cache.set(sql, statement)
      return statement
    },
    close(): void {
      cache.clear()
      db.close()
    },
  }
}

/**
 * better-sqlite3 runs on the event loop's thread, and a WAL checkpoint copies pages into the
 * database file and fsyncs it: done inline after a commit it stalls every socket for milliseconds.
 * A worker thread with its own connection checkpoints instead; SQLite lets a PASSIVE checkpoint
 * run beside the writer, so messages never wait for the disk flush.
 */
function startCheckpointer(file: string): Worker {
  const source = `
    const { workerData } = require('node:worker_threads')
    const Database = require(workerData.driver)
    const db = new Database(workerData.file)
    db.pragma('busy_timeout = 1000')
    setInterval(() => {
      try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
    }, workerData.intervalMs)
  `
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(source, { eval: true, workerData: { driver, file, intervalMs: 1000 } })
  worker.unref()
  return worker
}

/** Hides a password in a connection URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
}
