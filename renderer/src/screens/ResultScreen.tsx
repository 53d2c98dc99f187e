import type { Language, VerifyResult } from '../../../contract';
import { reasonText } from '../i18n/reasons';
import type { Translate } from './types';

export function ResultScreen({ t, language, result, onDone }: { t: Translate; language: Language; result: VerifyResult; onDone(): void }) {
  const title = result.verdict === 'pass' ? t('resultPass') : result.verdict === 'fail' ? t('resultFail') : t('resultError');
  // Always the translated reason; the provider's raw code stays small, for staff.
  const why = result.reason ? reasonText(language, result.reason) : null;
  return (
    <main className={`screen result ${result.verdict}`} data-screen="result" data-verdict={result.verdict} data-reason={result.reason ?? ''}>
      <div className="verdict-icon" aria-hidden="true" />
      <h1>{title}</h1>
      {why && <p className="status">{why}</p>}
      {result.providerCode && <p className="detail">{result.providerCode}</p>}
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
