import { useEffect, useRef } from 'react';
import type { CardPublic, VerifyResult } from '../../../contract';
import { reasonKeysFor } from '../i18n/reasons';
import { isRetryable } from '../flow/machine';
import type { Translate } from './types';

export interface ResultScreenProps {
  t: Translate;
  card: CardPublic;
  result: VerifyResult;
  /** The frame that was compared (JPEG base64), when the screen still has it. */
  face: string | null;
  attempt: number;
  maxAttempts: number;
  canRetry: boolean;
  /** The configured provider: a result from another one means the kiosk fell back to the local engine. */
  configuredProvider: 'local' | 'cloudauth';
  onRetry(): void;
  onDone(): void;
}

/** Scores are shown with one decimal; the FAR as a percentage a person can read. */
function formatFar(far: number): string {
  return `${Number((far * 100).toPrecision(2))}%`;
}

/** The verdict, why, the two photos side by side, the score against the pass mark in words, and what next. */
export function ResultScreen({ t, card, result, face, attempt, maxAttempts, canRetry, configuredProvider, onRetry, onDone }: ResultScreenProps) {
  const title = result.verdict === 'pass' ? t('resultPass') : result.verdict === 'fail' ? t('resultFail') : t('resultError');
  const { why, hint } = reasonKeysFor(result);
  const primary = useRef<HTMLButtonElement>(null);
  useEffect(() => primary.current?.focus(), []);
  let scoreText = t('resultNoScore');
  if (result.score !== null && result.threshold !== null) {
    const vars = { score: result.score.toFixed(1), threshold: result.threshold.toFixed(1), far: result.far === null ? '—' : formatFar(result.far) };
    // The pass rule is main's (score >= threshold, verify-service.ts); the words follow it.
    scoreText = result.score >= result.threshold ? t('resultScoreAbove', vars) : t('resultScoreBelow', vars);
  }
  return (
    <main className={`screen result ${result.verdict}`} data-screen="result" data-verdict={result.verdict} data-reason={result.reason ?? ''}>
      <div className="verdict-icon" aria-hidden="true" />
      <h1 role="status">{title}</h1>
      {why && <p className="status" data-testid="result-why">{t(why)}</p>}
      {result.providerCode && <p className="detail mono" data-testid="result-provider-code">{result.providerCode}</p>}
      {result.provider !== configuredProvider && <p className="status warn" data-testid="result-fallback">{t('resultFallback')}</p>}
      <div className="photo-pair">
        <figure>
          {card.photo ? <img className="pair-photo" alt={t('resultChipPhoto')} src={`data:${card.photo.mime};base64,${card.photo.base64}`} /> : <div className="pair-photo missing" />}
          <figcaption>{t('resultChipPhoto')}</figcaption>
        </figure>
        <figure>
          {face ? <img className="pair-photo" data-testid="result-live-photo" alt={t('resultLivePhoto')} src={`data:image/jpeg;base64,${face}`} /> : <div className="pair-photo missing" />}
          <figcaption>{t('resultLivePhoto')}</figcaption>
        </figure>
      </div>
      <p className="score" data-testid="result-score">{scoreText}</p>
      {hint && canRetry && <p className="hint">{t(hint)}</p>}
      {isRetryable(result) && !canRetry && <p className="status warn" data-testid="result-no-more">{t('resultNoMoreAttempts')}</p>}
      <p className="attempt">{t('resultAttempt', { n: attempt, max: maxAttempts })}</p>
      <div className="actions">
        {canRetry ? (
          <>
            <button className="secondary" data-testid="result-done" onClick={onDone}>{t('tryAgain')}</button>
            <button ref={primary} className="primary" data-testid="result-retry" onClick={onRetry}>{t('resultRetry')}</button>
          </>
        ) : (
          <button ref={primary} className="primary" data-testid="result-done" onClick={onDone}>{t('tryAgain')}</button>
        )}
      </div>
    </main>
  );
}
