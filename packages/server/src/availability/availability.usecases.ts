import type { InboxHoursDTO, Weekday, WidgetAgentAvatar, WidgetAvailability } from '@kefu/protocol'
import { z } from 'zod'
import type { Principal } from '../agents/access.js'
import type { Inbox } from '../db/schema.js'
import { adminWidgetInbox as adminInbox } from '../inboxes/inboxes.usecases.js'
import type { Hub } from '../realtime/hub.js'
import type { CoreDeps } from '../shared/deps.js'
import { parse } from '../shared/validation.js'
import { createAvailabilityRepository } from './availability.repository.js'
import { END_TIME, hoursState, isTimeZone, TIME } from './hours.js'

// Who can answer a website inbox now, and what its widget says about it. An agent counts only
// when they are a member of the inbox, set themselves online, and have an inbox socket open:
// closing the laptop drops the socket, so a team never looks online with nobody there.

export const MAX_INTERVALS_PER_DAY = 6
export const MAX_HOLIDAYS = 100
/** The widget shows this many faces at most. */
const MAX_AVATARS = 3
/** Agents' sockets come and go in bursts (a reload is a close and an open): settle first. */
const PUSH_DEBOUNCE_MS = 500
/** Hours open and close on their own; visitors connected across a boundary hear it this late. */
const SWEEP_MS = 60_000

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const DATE = /^\d{4}-\d{2}-\d{2}$/

const interval = z
  .strictObject({
    from: z.string().regex(TIME, 'a time like 09:00'),
    to: z.string().regex(END_TIME, 'a time like 17:30 or 24:00'),
  })
  .refine((i) => i.from !== i.to, 'the end must differ from the start')

const day = z.array(interval).max(MAX_INTERVALS_PER_DAY, `at most ${MAX_INTERVALS_PER_DAY} a day`)

const weekly = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, day.optional()])) as Record<
    Weekday,
    z.ZodOptional<typeof day>
  >,
)

const holidays = z
  .array(
    z.strictObject({
      date: z
        .string()
        .regex(DATE, 'a date like 2026-10-01')
        .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'a real date'),
      name: z.string().trim().max(60).optional(),
    }),
  )
  .max(MAX_HOLIDAYS, `at most ${MAX_HOLIDAYS}`)

export const hoursSchema = z.strictObject({
  teamName: z.string().trim().max(60).nullable(),
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone like Asia/Shanghai')
    .nullable(),
  enabled: z.boolean(),
  weekly,
  holidays,
  whenUnavailable: z.enum(['keep-open', 'offline-form']),
  replyTime: z.enum(['minutes', 'hours', 'day']),
})

const DEFAULT_HOURS: InboxHoursDTO = {
  teamName: null,
  timezone: null,
  enabled: false,
  weekly: {},
  holidays: [],
  whenUnavailable: 'keep-open',
  replyTime: 'minutes',
}

function readJson<T>(raw: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : fallback
  } catch {
    return fallback
  }
}

type HoursRow = Awaited<ReturnType<ReturnType<typeof createAvailabilityRepository>['findHours']>>

export function toHoursDTO(row: HoursRow): InboxHoursDTO {
  if (!row) return DEFAULT_HOURS
  return {
    teamName: row.team_name,
    timezone: row.timezone && isTimeZone(row.timezone) ? row.timezone : null,
    enabled: row.enabled === 1,
    weekly: readJson(row.weekly, weekly, {}),
    holidays: readJson(row.holidays, holidays, []),
    whenUnavailable: row.when_unavailable,
    replyTime: row.reply_time,
  }
}

/** A steady colour per agent (white text reads on each). */
const AVATAR_COLORS = [
  '#1f6feb',
  '#8250df',
  '#bf3989',
  '#cf222e',
  '#9a6700',
  '#1a7f37',
  '#0969da',
  '#6e7781',
]

export function avatarOf(agent: { id: string; name: string }): WidgetAgentAvatar {
  let hash = 0
  for (const ch of agent.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return {
    name: agent.name,
    initials: initialsOf(agent.name),
    color: AVATAR_COLORS[hash % AVATAR_COLORS.length] as string,
  }
}

/** "Ada Lovelace" → "AL"; "王小明" → "王"; one word → its first letter. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const first = [...(words[0] ?? '')][0] ?? '?'
  const last = words.length > 1 ? ([...(words.at(-1) ?? '')][0] ?? '') : ''
  return (first + last).toUpperCase()
}

export function createAvailability(deps: CoreDeps & { hub: Hub }) {
  const { db, clock, hub, logger } = deps
  const repo = createAvailabilityRepository(db.kysely)

  const adminWidgetInbox = (actor: Principal, inboxId: string) =>
    adminInbox(db.kysely, actor, inboxId, 'business hours')

  const usecases = {
    repo,

    async getHours(
      actor: Principal,
      inboxId: string,
    ): Promise<{ hours: InboxHoursDTO; accountTimezone: string }> {
      const inbox = await adminWidgetInbox(actor, inboxId)
      return {
        hours: toHoursDTO(await repo.findHours(inbox.id)),
        accountTimezone: await repo.accountTimezone(inbox.account_id),
      }
    },

    /** Replaces the inbox's hours and settings (400 request.invalid with the issues). */
    async setHours(actor: Principal, inboxId: string, raw: unknown) {
      const inbox = await adminWidgetInbox(actor, inboxId)
      const input = parse(hoursSchema, raw)
      await repo.saveHours({
        inbox_id: inbox.id,
        team_name: input.teamName || null,
        timezone: input.timezone,
        enabled: input.enabled ? 1 : 0,
        // Empty days are left out: a missing day is closed.
        weekly: JSON.stringify(
          Object.fromEntries(Object.entries(input.weekly).filter(([, list]) => list?.length)),
        ),
        holidays: JSON.stringify(
          [...input.holidays]
            .sort((a, b) => a.date.localeCompare(b.date))
            .map((h) => (h.name ? h : { date: h.date })),
        ),
        when_unavailable: input.whenUnavailable,
        reply_time: input.replyTime,
        updated_at: clock.now(),
      })
      hub.presenceChanged(inbox.account_id)
      return this.getHours(actor, inbox.id)
    },

    /** What the widget of this inbox shows now: who can answer, or why not and until when. */
    async forInbox(inbox: Inbox, now = clock.now()): Promise<WidgetAvailability> {
      const hours = toHoursDTO(await repo.findHours(inbox.id))
      let reason: WidgetAvailability['reason'] = null
      let backAt: number | null = null
      if (hours.enabled) {
        const timezone = hours.timezone ?? (await repo.accountTimezone(inbox.account_id))
        const state = hoursState({ timezone, weekly: hours.weekly, holidays: hours.holidays }, now)
        if (!state.open) {
          reason = 'out-of-hours'
          backAt = state.nextOpenAt
        }
      }
      let agents: WidgetAgentAvatar[] = []
      if (!reason) {
        const connected = hub.connectedAgentIds(inbox.account_id)
        const online = (await repo.onlineMembers(inbox.account_id, inbox.id)).filter((a) =>
          connected.has(a.id),
        )
        if (!online.length) reason = 'no-agents'
        agents = online.slice(0, MAX_AVATARS).map(avatarOf)
      }
      return {
        teamName: hours.teamName,
        agents,
        canAnswer: reason === null,
        reason,
        backAt,
        replyTime: hours.replyTime,
        whenUnavailable: hours.whenUnavailable,
      }
    },

    /**
     * Keeps connected visitors' headers true: after agents' presence changes (debounced) and
     * once a minute (hours open and close), each inbox with visitors is checked and its visitors
     * get `{ type: 'availability' }` when the answer changed. Returns a stop function.
     */
    pushToVisitors(): () => void {
      const lastSent = new Map<string, string>()
      const pending = new Map<string, ReturnType<typeof setTimeout>>()
      let stopped = false

      const check = async (onlyAccount?: string) => {
        const live = hub.visitorInboxes()
        if (!onlyAccount) {
          const keys = new Set(live.map((l) => `${l.accountId} ${l.inboxId}`))
          for (const key of lastSent.keys()) if (!keys.has(key)) lastSent.delete(key)
        }
        for (const { accountId, inboxId } of live) {
          if (stopped) return
          if (onlyAccount && accountId !== onlyAccount) continue
          const inbox = await db.kysely
            .selectFrom('inboxes')
            .selectAll()
            .where('account_id', '=', accountId)
            .where('id', '=', inboxId)
            .executeTakeFirst()
          if (!inbox) continue
          const availability = await usecases.forInbox(inbox)
          const key = `${accountId} ${inboxId}`
          const json = JSON.stringify(availability)
          if (lastSent.get(key) === json) continue
          lastSent.set(key, json)
          hub.toInboxVisitors(accountId, inboxId, { type: 'availability', availability })
        }
      }
      const run = (accountId?: string) =>
        check(accountId).catch((err: unknown) => {
          if (!stopped) logger.warn({ err }, 'availability push failed')
        })

      const unsubscribe = hub.onPresenceChange((accountId) => {
        if (stopped || pending.has(accountId)) return
        const timer = setTimeout(() => {
          pending.delete(accountId)
          void run(accountId)
        }, PUSH_DEBOUNCE_MS)
        timer.unref?.()
        pending.set(accountId, timer)
      })
      const sweep = setInterval(() => void run(), SWEEP_MS)
      sweep.unref?.()
      return () => {
        stopped = true
        clearInterval(sweep)
        for (const timer of pending.values()) clearTimeout(timer)
        unsubscribe()
      }
    },
  }
  return usecases
}

export type AvailabilityUsecases = ReturnType<typeof createAvailability>
