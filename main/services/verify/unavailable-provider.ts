import type { VerifyProvider } from './provider';

/** Stands in when the configured provider could not start (models missing, no AccessKey): every verification ends as an error with the reason, never a pass. */
export function createUnavailableProvider(name: VerifyProvider['name'], detail: string): VerifyProvider {
  return {
    name,
    status: () => ({ ready: false, detail }),
    verify: async () => ({ kind: 'error', reason: 'provider-unavailable', providerCode: null, message: detail }),
  };
}
