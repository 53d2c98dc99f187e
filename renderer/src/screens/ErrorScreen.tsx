import type { Language } from '../../../contract';
import type { FlowError } from '../flow/machine';
import { errorText } from '../i18n/errors';
import type { Translate } from './types';

export function ErrorScreen({ t, language, error, onDone }: { t: Translate; language: Language; error: FlowError; onDone(): void }) {
  return (
    <main className="screen error" data-screen="error" data-code={error.code}>
      <h1>{t('errorTitle')}</h1>
      <p className="status">{errorText(language, error.code)}</p>
      <p className="detail mono">
        {error.message}
        {error.detail && ` (${error.detail})`}
      </p>
      <button className="primary" onClick={onDone}>{t('tryAgain')}</button>
    </main>
  );
}
