import type { FlowError } from '../flow/machine';
import type { Translate } from './types';

export function ErrorScreen({ t, error, onDone }: { t: Translate; error: FlowError; onDone(): void }) {
  return (
    <main className="screen error" data-screen="error" data-code={error.code}>
      <h1>{t('errorTitle')}</h1>
      <p className="status">{error.message}</p>
      {error.detail && <p className="detail mono">{error.detail}</p>}
      <button className="primary" onClick={onDone}>{t('tryAgain')}</button>
    </main>
  );
}
