// Lines up HTTP snapshots (the conversation list and a conversation's detail) with the event stream.
// Every such response carries the `seq` it reflects: every event up to it is in the response, maybe
// some later ones too. So the rule is exact: apply the events after `seq` — those applied while the
// request was out, and any that arrive later — skipping messages the response already holds by id.
// This module keeps the events applied during each request and tells the realtime client where its
// first stream must start so that no loaded snapshot misses anything.
import type { EventDTO } from '@kefu/protocol'

export interface Snapshot {
  seq: number
}

export class SnapshotTracker {
  private readonly logs = new Set<EventDTO[]>()
  private readonly pending = new Set<Promise<unknown>>()
  private oldest: number | null = null

  /** The lowest `seq` of the snapshots applied since the last reset, or null if none was. */
  get oldestSeq(): number | null {
    return this.oldest
  }

  /** Events the app has just applied; every request still out keeps them for its response. */
  record(events: readonly EventDTO[]): void {
    for (const log of this.logs) log.push(...events)
  }

  /**
   * Sends a snapshot request and hands its response to `apply` with the events applied while it was
   * out, in the same task, so no event can fall between the two. `apply` returns whether it used
   * the response (false: a newer request superseded it).
   */
  async load<T extends Snapshot>(
    request: () => Promise<T>,
    apply: (response: T, during: readonly EventDTO[]) => boolean,
  ): Promise<T> {
    // Recording starts before the request leaves: anything applied earlier is at or before its seq.
    const log: EventDTO[] = []
    this.logs.add(log)
    const task = (async () => {
      const response = await request()
      if (apply(response, log)) {
        this.oldest = this.oldest === null ? response.seq : Math.min(this.oldest, response.seq)
      }
      return response
    })()
    this.pending.add(task)
    try {
      return await task
    } finally {
      this.logs.delete(log)
      this.pending.delete(task)
    }
  }

  /**
   * Where the first event stream must start. Snapshots applied (or still out) before the socket was
   * accepted at `readySeq` may predate it, so the stream starts at the oldest of them; requests sent
   * later reflect at least `readySeq` by themselves.
   */
  async startFrom(readySeq: number): Promise<number> {
    await Promise.allSettled([...this.pending])
    return Math.min(readySeq, this.oldest ?? readySeq)
  }

  /** A new session, or the server's data was reset: earlier snapshots no longer count. */
  reset(): void {
    this.oldest = null
  }
}
