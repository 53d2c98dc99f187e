/**
 * Per-AccessKey token buckets (Throttling.User). Kept in each process: with N processes a key
 * gets up to N times the rate, which is the price of not touching the database per request.
 */
export interface ThrottleOptions {
  /** Sustained requests per second per key. */
  ratePerSecond: number;
  /** Requests a key may send at once after being idle. */
  burst: number;
}

export class KeyThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: ThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the key may send this request now. */
  take(key: string): boolean {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: t };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.options.ratePerSecond);
    bucket.at = t;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
