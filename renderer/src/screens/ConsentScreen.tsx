import { useEffect, useRef } from 'react';
import type { PrivacyNotice } from '../../../contract';
import { retentionSentence } from '../i18n/consent';
import type { Translate } from './types';

/**
 * PIPL consent: what is collected, why, and how long it is kept. The "how long" sentence follows
 * the audit settings main reports, so the screen never says a photo is not kept when it is.
 */
export function ConsentScreen({ t, privacy, onAccept, onDecline }: { t: Translate; privacy: PrivacyNotice; onAccept(): void; onDecline(): void }) {
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => accept.current?.focus(), []);
  const days = privacy.retentionDays;
  const howLong = t(retentionSentence(privacy), { days });
  return (
    <main className="screen consent" data-screen="consent" data-keeps-images={String(privacy.keepsImages)}>
      <h1>{t('consentTitle')}</h1>
      <p className="body">{t('consentBody')}</p>
      <dl className="notice">
        <dt>{t('consentWhatTitle')}</dt>
        <dd>{t('consentWhat')}</dd>
        <dt>{t('consentWhyTitle')}</dt>
        <dd>{t('consentWhy')}</dd>
        <dt>{t('consentHowLongTitle')}</dt>
        <dd data-testid="consent-how-long">{howLong}</dd>
      </dl>
      <p className="hint">{t('consentDeclineNote')}</p>
      <div className="actions">
        <button className="secondary" data-testid="consent-decline" onClick={onDecline}>{t('consentDecline')}</button>
        <button ref={accept} className="primary" data-testid="consent-accept" onClick={onAccept}>{t('consentAccept')}</button>
      </div>
    </main>
  );
}
