import type { Settings } from '../settings';
import type { VerifyInput, VerifyOutcome, VerifyProvider } from '../verify/provider';

export type ProviderFactory = (verify: Settings['verify']) => VerifyProvider;

/**
 * The provider the kiosk verifies with, swappable while it runs: when the operator changes the
 * provider, endpoint, AccessKey or FAR, the next verification uses the new one. A verification
 * already running finishes on the provider it started with.
 */
export class LiveProvider implements VerifyProvider {
  private current: VerifyProvider;

  constructor(initial: VerifyProvider, private readonly factory: ProviderFactory | null) {
    this.current = initial;
  }

  get name(): VerifyProvider['name'] {
    return this.current.name;
  }

  status(): ReturnType<VerifyProvider['status']> {
    return this.current.status();
  }

  verify(input: VerifyInput): Promise<VerifyOutcome> {
    return this.current.verify(input);
  }

  /** Replace the provider from settings; false when this kiosk has no factory (fixed test providers). */
  reconfigure(verify: Settings['verify']): boolean {
    if (!this.factory) return false;
    const previous = this.current;
    this.current = this.factory(verify);
    void previous.close?.().catch(() => undefined);
    return true;
  }

  async close(): Promise<void> {
    await this.current.close?.();
  }
}
