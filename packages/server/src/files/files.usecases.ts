import { randomUUID } from 'node:crypto'
import type { AttachmentDTO, EventDTO, MessageDTO, UploadDTO } from '@kefu/protocol'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.js'
import { createBlobStore } from '../shared/blobs.js'
import type { CoreDeps } from '../shared/deps.js'
import { AppError, notFound } from '../shared/errors.js'
import { newId } from '../shared/ids.js'
import { createLeases } from '../shared/leases.js'
import { createSigner } from '../shared/secrets.js'
import { ATTACHMENTS_PER_MESSAGE } from './files.content.js'
import type { FileLimits } from './files.settings.js'
import { cleanFilename, INLINE_IMAGE_TYPES, judgeFile, sniffFile } from './files.sniff.js'

// Chat files. An upload is stored at once and belongs to its sender (a visitor, or an agent in
// one conversation); a message then claims it inside the message's own transaction, copying it
// into `attachments`, where email attachments live too. Files are served by signed, expiring
// URLs: an <img> in the widget frame can carry neither the visitor's bearer token nor the
// agent's cookie, so the signature itself is the permission.

/** How long a file URL works; long enough for a day's open tab, short enough to not be a link for life. */
const URL_TTL_MS = 24 * 60 * 60_000
/** Expiries are rounded up to this, so URLs stay the same for a while and the browser's cache works. */
const URL_STEP_MS = 60 * 60_000

/** An upload not sent within this long is forgotten (its bytes too, unless something else uses them). */
const STALE_MS = 24 * 60 * 60_000
/** Files one sender may have waiting, unsent: enough for a message or two, not a storage service. */
export const MAX_UNSENT = 20
/**
 * Bytes stored (or stored again) this recently are never swept: a transaction that is just
 * putting them and has not committed the row that uses them yet must not find them gone.
 */
const BLOB_GRACE_MS = 60 * 60_000
/** How often the clean-up runs, and the lease that lets one Kefu process of several run it. */
const SWEEP_EVERY_MS = 10 * 60_000
const SWEEP_LEASE = 'files:sweep'

export type FileOwner = { type: 'visitor' | 'agent'; id: string }
type Tx = Transaction<Database>

/** An attachment as stored in an event (events.ts): its URL is signed when the event is handed out. */
type StoredAttachment = Omit<AttachmentDTO, 'url'> & { url?: string | null }

export function createFilesUsecases({ db, clock, logger }: CoreDeps, secret: string) {
  const k = db.kysely
  const blobs = createBlobStore(k, () => clock.now())
  const signer = createSigner(secret, 'files', 16)
  const leases = createLeases(k, randomUUID())

  function urlFor(id: string): string {
    const exp = Math.ceil((clock.now() + URL_TTL_MS) / URL_STEP_MS) * (URL_STEP_MS / 1000)
    return `/files/${encodeURIComponent(id)}?exp=${exp}&sig=${signer.sign(`${id}.${exp}`)}`
  }

  function toAttachmentDTO(row: {
    id: string
    filename: string
    content_type: string
    size: number
    storage_key: string
  }): AttachmentDTO {
    return {
      id: row.id,
      filename: row.filename,
      contentType: row.content_type,
      size: Number(row.size),
      image: INLINE_IMAGE_TYPES.has(row.content_type.toLowerCase()),
      url: row.storage_key ? urlFor(row.id) : null,
    }
  }

  /** Fresh URLs for a message's attachments (null stays null: the content was not kept). */
  function signAttachments(list: readonly StoredAttachment[]): AttachmentDTO[] {
    return list.map((a) => ({ ...a, url: a.url === null ? null : urlFor(a.id) }))
  }

  /**
   * Forgets a batch of stale unsent uploads, and their bytes when nothing else refers to them.
   * Returns how many uploads it forgot.
   */
  async function sweep(limit = 200): Promise<number> {
    const now = clock.now()
    const stale = await k
      .selectFrom('uploads')
      .select(['id', 'storage_key'])
      .where('message_id', 'is', null)
      .where('created_at', '<', now - STALE_MS)
      .limit(limit)
      .execute()
    if (stale.length === 0) return 0
    await k
      .deleteFrom('uploads')
      .where(
        'id',
        'in',
        stale.map((u) => u.id),
      )
      .where('message_id', 'is', null)
      .execute()
    for (const key of new Set(stale.map((u) => u.storage_key))) {
      // Blobs are content-addressed and shared: an upload, an attachment or a mail source may
      // hold the same bytes. One statement decides and deletes, so nothing can start using the
      // blob between a check and the delete; a put of the same bytes refreshes created_at (and
      // on PostgreSQL holds the row until it commits), which the grace period then respects.
      await k
        .deleteFrom('blobs')
        .where('key', '=', key)
        .where('created_at', '<', now - BLOB_GRACE_MS)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('uploads')
                .select('id')
                .whereRef('uploads.storage_key', '=', 'blobs.key')
                .unionAll(
                  selectFrom('attachments')
                    .select('id')
                    .whereRef('attachments.storage_key', '=', 'blobs.key'),
                )
                .unionAll(
                  selectFrom('email_messages')
                    .select('message_id as id')
                    .whereRef('email_messages.raw_key', '=', 'blobs.key'),
                )
                .unionAll(
                  selectFrom('email_quarantine')
                    .select('id')
                    .whereRef('email_quarantine.raw_key', '=', 'blobs.key'),
                ),
            ),
          ),
        )
        .execute()
    }
    return stale.length
  }

  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined

  /** One round of clean-up, if this process holds the lease: batches until nothing is left. */
  async function sweepRound(): Promise<void> {
    if (!(await leases.acquire(SWEEP_LEASE, 3 * SWEEP_EVERY_MS, clock.now()))) return
    for (let i = 0; i < 50 && (await sweep()) > 0; i++) {
      // each batch is its own statements; a long backlog is worked off over a few rounds
    }
  }

  return {
    sweep,
    /** One round of the timer's clean-up (tests run it directly). */
    sweepRound,

    /** Runs the clean-up every few minutes, off the request path; it never keeps Node alive. */
    start(): void {
      if (timer) return
      timer = setInterval(() => {
        if (running) return
        running = sweepRound()
          .catch((err) => logger.warn({ err }, 'file clean-up failed'))
          .finally(() => {
            running = undefined
          })
      }, SWEEP_EVERY_MS)
      timer.unref()
    },

    async stop(): Promise<void> {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
      await leases.release(SWEEP_LEASE).catch(() => {})
    },

    /** An event as handed out (pushed, or listed by events?since): attachment URLs signed now. */
    signEvent<E extends EventDTO>(event: E): E {
      if (
        (event.type === 'message.created' || event.type === 'message.updated') &&
        event.message.attachments?.length
      ) {
        return {
          ...event,
          message: { ...event.message, attachments: signAttachments(event.message.attachments) },
        }
      }
      return event
    },

    /** Stores an upload for its owner after checking size and kind against the inbox's limits. */
    async upload(input: {
      accountId: string
      inboxId: string
      owner: FileOwner
      conversationId: string | null
      filename: string
      bytes: Uint8Array
      limits: FileLimits
    }): Promise<UploadDTO> {
      const { limits } = input
      if (input.bytes.length > limits.maxBytes) {
        throw new AppError(
          'file.too_large',
          `Files are limited to ${Math.floor(limits.maxBytes / 1024 / 1024) || 1} MB here.`,
          { maxBytes: limits.maxBytes },
        )
      }
      if (input.bytes.length === 0) throw new AppError('file.invalid', 'The file is empty.')
      const cleaned = cleanFilename(input.filename)
      const verdict = judgeFile({
        sniffed: await sniffFile(input.bytes, cleaned),
        filename: cleaned,
        allowed: limits.allowedTypes,
      })
      if (!verdict.ok) {
        throw new AppError(
          'file.type_not_allowed',
          verdict.reason === 'mismatch'
            ? 'The file is not what its name says; it was refused.'
            : 'Files of this type are not accepted here.',
          { reason: verdict.reason, allowedTypes: limits.allowedTypes },
        )
      }
      const { filename } = verdict
      const waiting = await k
        .selectFrom('uploads')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('owner_type', '=', input.owner.type)
        .where('owner_id', '=', input.owner.id)
        .where('message_id', 'is', null)
        .where('created_at', '>=', clock.now() - STALE_MS)
        .executeTakeFirst()
      if (Number(waiting?.n ?? 0) >= MAX_UNSENT) {
        throw new AppError(
          'upload.rate_limited',
          'Too many files are waiting to be sent; send them or try again later.',
        )
      }
      const id = newId()
      const bytes = Buffer.from(input.bytes)
      await k.transaction().execute(async (tx) => {
        const key = await blobs.put(bytes, tx)
        await tx
          .insertInto('uploads')
          .values({
            id,
            account_id: input.accountId,
            inbox_id: input.inboxId,
            owner_type: input.owner.type,
            owner_id: input.owner.id,
            conversation_id: input.conversationId,
            filename,
            content_type: verdict.mime,
            size: bytes.length,
            storage_key: key,
            message_id: null,
            created_at: clock.now(),
          })
          .execute()
      })
      return {
        id,
        filename,
        contentType: verdict.mime,
        size: bytes.length,
        image: INLINE_IMAGE_TYPES.has(verdict.mime),
      }
    },

    /**
     * Inside a message's transaction: the uploads it names become its attachments. Every id must
     * be the sender's own unsent upload for this inbox (and, for agents, this conversation).
     */
    async claim(
      tx: Tx,
      input: {
        accountId: string
        inboxId: string
        conversationId: string
        messageId: string
        owner: FileOwner
        ids: readonly string[]
      },
    ): Promise<AttachmentDTO[]> {
      const ids = [...new Set(input.ids)]
      if (ids.length === 0) return []
      const invalid = () =>
        new AppError(
          'attachment.invalid',
          'Attach only files you uploaded for this conversation and have not sent yet.',
        )
      if (ids.length > ATTACHMENTS_PER_MESSAGE) throw invalid()
      const rows = await tx
        .selectFrom('uploads')
        .selectAll()
        .where('id', 'in', ids)
        .where('account_id', '=', input.accountId)
        .where('inbox_id', '=', input.inboxId)
        .where('owner_type', '=', input.owner.type)
        .where('owner_id', '=', input.owner.id)
        .where('message_id', 'is', null)
        // Forgotten after a day, whether or not the clean-up has run yet.
        .where('created_at', '>=', clock.now() - STALE_MS)
        .execute()
      const usable = rows.filter(
        (r) => r.conversation_id === null || r.conversation_id === input.conversationId,
      )
      if (usable.length !== ids.length) throw invalid()
      const claimed = await tx
        .updateTable('uploads')
        .set({ message_id: input.messageId })
        .where('id', 'in', ids)
        .where('message_id', 'is', null)
        .executeTakeFirst()
      // A concurrent send of the same upload won: this one must not share it.
      if (Number(claimed.numUpdatedRows) !== ids.length) throw invalid()
      const byId = new Map(usable.map((r) => [r.id, r]))
      const now = clock.now()
      const attachments = ids.map((id) => {
        const r = byId.get(id) as (typeof usable)[number]
        return {
          id: r.id,
          account_id: r.account_id,
          message_id: input.messageId,
          filename: r.filename,
          content_type: r.content_type,
          size: Number(r.size),
          storage_key: r.storage_key,
          content_id: null,
          inline: 0,
          created_at: now,
        }
      })
      await tx.insertInto('attachments').values(attachments).execute()
      return attachments.map(toAttachmentDTO)
    },

    /**
     * Messages with their attachments and fresh URLs (email inline images stay in the HTML).
     * Inside a transaction, pass it: SQLite has one connection.
     */
    async withAttachments<T extends MessageDTO>(
      messages: T[],
      q: Kysely<Database> | Tx = k,
    ): Promise<T[]> {
      const ids = messages.map((m) => m.id)
      const found = new Map<string, AttachmentDTO[]>()
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await q
          .selectFrom('attachments')
          .select(['id', 'message_id', 'filename', 'content_type', 'size', 'storage_key'])
          .where('message_id', 'in', ids.slice(i, i + 500))
          .where((w) => w.or([w('inline', '=', 0), w('content_id', 'is', null)]))
          .orderBy('created_at')
          .orderBy('id')
          .execute()
        for (const row of rows) {
          const list = found.get(row.message_id) ?? []
          list.push(toAttachmentDTO(row))
          found.set(row.message_id, list)
        }
      }
      return messages.map((m) => {
        const attachments = found.get(m.id)
        return attachments ? { ...m, attachments } : m
      })
    },

    urlFor,

    /** The file behind a signed URL. A wrong signature reads as unknown; an old one as expired. */
    async open(input: { id: string; exp: string; sig: string }) {
      const exp = /^\d{1,12}$/.test(input.exp) ? Number(input.exp) : Number.NaN
      if (!Number.isFinite(exp) || !signer.verify(`${input.id}.${input.exp}`, input.sig)) {
        throw notFound('file')
      }
      if (exp * 1000 <= clock.now()) {
        throw new AppError('file.link_expired', 'This link has expired; reload the conversation.')
      }
      const row = await k
        .selectFrom('attachments')
        .select(['filename', 'content_type', 'storage_key'])
        .where('id', '=', input.id)
        .executeTakeFirst()
      const bytes = row?.storage_key ? await blobs.get(row.storage_key) : undefined
      if (!row || !bytes) throw notFound('file')
      return { filename: row.filename, contentType: row.content_type, bytes, expiresAt: exp * 1000 }
    },
  }
}

export type FilesUsecases = ReturnType<typeof createFilesUsecases>

/** A message's stored files, for a channel that sends them on (the email outbox). */
export async function messageFiles(
  db: CoreDeps['db'],
  messageId: string,
): Promise<{ filename: string; contentType: string; content: Buffer }[]> {
  const rows = await db.kysely
    .selectFrom('attachments')
    .select(['filename', 'content_type', 'storage_key'])
    .where('message_id', '=', messageId)
    .where('storage_key', '!=', '')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  const blobs = createBlobStore(db.kysely)
  const files = []
  for (const row of rows) {
    const content = await blobs.get(row.storage_key)
    if (content) files.push({ filename: row.filename, contentType: row.content_type, content })
  }
  return files
}
