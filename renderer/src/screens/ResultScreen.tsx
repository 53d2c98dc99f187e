import type { VerifyResult } from '../../../contract';
import type { Translate } from './types';

export function ResultScreen({ t, result, onDone }: { t: Translate; result: VerifyResult; onDone(): void }) {
  const title = result.verdict === 'pass' ? t('resultPass') : result.verdict === 'fail' ? t('resultFail') : t('resultError');
  const why =
    result.reason === 'liveness-failed'
      ? t('resultLiveness')
      : result.reason === 'face-mismatch'
        ? t('resultMismatch')
        : result.reason === 'capture-again'
          ? t('resultCaptureAgain')
          : result.message;
  return (
    <main className={`screen result ${result.verdict}`} data-screen="result" data-verdict={result.verdict}>
      <div className="verdict-icon" aria-hidden="true" />
      <h1>{title}</h1>
      {why && <p className="status">{why}</p>}
      {result.score !== null && (
        <p className="score">
          {t('resultScore')}: {result.score.toFixed(1)}
          {result.threshold !== null && ` / ${result.threshold.toFixed(1)}`}
        </p>
      )}
      <button className="primary" onClick={onDone}>{t('tryAgain')}</button>
    </main>
  );
}
