/**
 * What to do when the kiosk page's render process dies: reload it, a little later each time, and
 * after repeated crashes stop reloading a page that keeps dying and show the out-of-service page
 * (a crash loop at the counter looks like a flickering screen and hides the fault from staff).
 */
export interface CrashPolicyOptions {
  /** Crashes within windowMs that are still reloaded; one more shows out-of-service. */
  maxReloads: number;
  windowMs: number;
  /** Delay before the first reload; doubled for each further crash in the window. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicyOptions = { maxReloads: 3, windowMs: 5 * 60_000, baseDelayMs: 500, maxDelayMs: 10_000 };

export type CrashAction = { action: 'reload'; delayMs: number } | { action: 'out-of-service'; crashes: number };

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly options: CrashPolicyOptions = DEFAULT_CRASH_POLICY,
  ) {}

  onCrash(): CrashAction {
    const t = this.now();
    this.crashes = [...this.crashes.filter((at) => t - at < this.options.windowMs), t];
    const n = this.crashes.length;
    if (n > this.options.maxReloads) return { action: 'out-of-service', crashes: n };
    return { action: 'reload', delayMs: Math.min(this.options.baseDelayMs * 2 ** (n - 1), this.options.maxDelayMs) };
  }
}
