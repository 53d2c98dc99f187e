import type { VerifyInput, VerifyOutcome, VerifyProvider } from '../verify/provider';

/** Provider codes that mean "the service could not be reached", not "the service said no". */
export const UNREACHABLE_CODES = new Set(['NetworkError', 'Timeout', 'ServiceUnavailable', 'InternalError.ServiceUnavailable']);

/**
 * cloudauth first; when it cannot be reached, the local engine (only if the operator allowed it:
 * verify.fallbackToLocal). `name` is the provider that decided the last verification, so the
 * result and the audit row say "local" when the fallback compared the faces.
 */
export class FallbackProvider implements VerifyProvider {
  private used: VerifyProvider;
  private local: VerifyProvider | null = null;

  constructor(private readonly primary: VerifyProvider, private readonly makeLocal: () => VerifyProvider) {
    this.used = primary;
  }

  get name(): VerifyProvider['name'] {
    return this.used.name;
  }

  status(): { ready: boolean; detail: string } {
    const { ready, detail } = this.primary.status();
    return { ready, detail: `${detail}; falls back to the local engine when unreachable` };
  }

  async verify(input: VerifyInput): Promise<VerifyOutcome> {
    this.used = this.primary;
    const outcome = await this.primary.verify(input);
    if (outcome.kind !== 'error' || !UNREACHABLE_CODES.has(outcome.providerCode ?? '') || input.signal?.aborted) return outcome;
    this.local ??= this.makeLocal();
    this.used = this.local;
    return this.local.verify(input);
  }

  async close(): Promise<void> {
    await this.primary.close?.();
    await this.local?.close?.();
  }
}
