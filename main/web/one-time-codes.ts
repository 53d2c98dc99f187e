/**
 * Single-use codes that open the kiosk page. The URL the host prints (and hands to Chromium on its
 * command line, which every local user can read) carries one of these, never the session secret:
 * once redeemed, or after ttlMs, the code opens nothing.
 */
export class OneTimeCodes {
  private readonly live = new Map<string, number>();

  constructor(private readonly opts: { ttlMs: number; now: () => number; random: () => string }) {}

  issue(): string {
    this.sweep();
    const code = this.opts.random();
    this.live.set(code, this.opts.now() + this.opts.ttlMs);
    return code;
  }

  /** True exactly once per issued code, and only before it expires. */
  redeem(code: string): boolean {
    const expires = this.live.get(code);
    if (expires === undefined) return false;
    this.live.delete(code);
    return this.opts.now() <= expires;
  }

  private sweep(): void {
    const now = this.opts.now();
    for (const [code, expires] of this.live) if (expires < now) this.live.delete(code);
  }
}
