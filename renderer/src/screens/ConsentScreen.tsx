import type { Translate } from './types';

export function ConsentScreen({ t, onAccept, onDecline }: { t: Translate; onAccept(): void; onDecline(): void }) {
  return (
    <main className="screen consent" data-screen="consent">
      <h1>{t('consentTitle')}</h1>
      <p className="body">{t('consentBody')}</p>
      <div className="actions">
        <button className="secondary" data-testid="consent-decline" onClick={onDecline}>{t('consentDecline')}</button>
        <button className="primary" data-testid="consent-accept" onClick={onAccept}>{t('consentAccept')}</button>
      </div>
    </main>
  );
}
