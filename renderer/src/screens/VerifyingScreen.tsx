import type { StringKey } from '../i18n/strings';
import type { Translate } from './types';

const stageKeys: Record<string, StringKey> = {
  queued: 'stageQueued',
  preparing: 'stagePreparing',
  comparing: 'stageComparing',
  submitting: 'stageSubmitting',
  polling: 'stagePolling',
  done: 'stageDone',
};

export function VerifyingScreen({ t, stage }: { t: Translate; stage: string }) {
  return (
    <main className="screen verifying" data-screen="verifying">
      <div className="spinner" aria-hidden="true" />
      <h1>{t('verifyingTitle')}</h1>
      <p className="status" data-stage={stage}>{t(stageKeys[stage] ?? 'stageQueued')}</p>
    </main>
  );
}
