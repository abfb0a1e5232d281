// A fixed-window counter per key, in memory. Enough to stop password guessing against one
// process; several nodes will move it to Redis with the rest of the shared state.
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; returns false once the key has used up its window. */
  take(key: string): boolean {
    const t = this.now()
    let w = this.windows.get(key)
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 }
      this.windows.set(key, w)
      if (this.windows.size > 10_000) this.sweep(t)
    }
    w.count += 1
    return w.count <= this.limit
  }

  reset(key: string): void {
    this.windows.delete(key)
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k)
  }
}
