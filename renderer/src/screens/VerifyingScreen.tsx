import type { StringKey } from '../i18n/strings';
import type { Translate } from './types';

const stages: { stage: string; key: StringKey }[] = [
  { stage: 'queued', key: 'stageQueued' },
  { stage: 'preparing', key: 'stagePreparing' },
  { stage: 'comparing', key: 'stageComparing' },
  { stage: 'submitting', key: 'stageSubmitting' },
  { stage: 'polling', key: 'stagePolling' },
  { stage: 'done', key: 'stageDone' },
];

export function VerifyingScreen({ t, stage }: { t: Translate; stage: string }) {
  const index = Math.max(0, stages.findIndex((s) => s.stage === stage));
  return (
    <main className="screen verifying" data-screen="verifying">
      <div className="spinner" aria-hidden="true" />
      <h1>{t('verifyingTitle')}</h1>
      <p className="hint">{t('verifyingProgress')}</p>
      <progress max={stages.length - 1} value={index} aria-label={t(stages[index]!.key)} />
      <p className="status" data-stage={stage} aria-live="polite">{t(stages[index]!.key)}</p>
    </main>
  );
}
