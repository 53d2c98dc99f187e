import { useEffect, useRef } from 'react';
import type { Language } from '../../../contract';
import type { FlowError } from '../flow/machine';
import { errorText } from '../i18n/errors';
import type { Translate } from './types';

export function ErrorScreen({ t, language, error, canRetry = false, onRetry, onDone }: {
  t: Translate; language: Language; error: FlowError; canRetry?: boolean; onRetry?(): void; onDone(): void;
}) {
  const primary = useRef<HTMLButtonElement>(null);
  useEffect(() => primary.current?.focus(), []);
  return (
    <main className="screen error" data-screen="error" data-code={error.code}>
      <h1>{t('errorTitle')}</h1>
      <p className="status" data-testid="error-text">{errorText(language, error.code)}</p>
      <p className="detail mono">
        {error.message}
        {error.detail && ` (${error.detail})`}
      </p>
      <div className="actions">
        {canRetry && onRetry ? (
          <>
            <button className="secondary" onClick={onDone}>{t('tryAgain')}</button>
            <button ref={primary} className="primary" data-testid="error-retry" onClick={onRetry}>{t('resultRetry')}</button>
          </>
        ) : (
          <button ref={primary} className="primary" onClick={onDone}>{t('tryAgain')}</button>
        )}
      </div>
    </main>
  );
}
