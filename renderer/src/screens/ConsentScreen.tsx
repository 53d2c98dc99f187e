import { useEffect, useRef, useState } from 'react';
import type { PrivacyNotice } from '../../../contract';
import { retentionSentence } from '../i18n/consent';
import type { Translate } from './types';

/**
 * PIPL consent: what is collected, why, and how long it is kept. The "how long" sentence follows
 * the audit settings main reports, so the screen never says a photo is not kept when it is.
 */
export function ConsentScreen({ t, privacy, offerEnrollment, onAccept, onDecline }: {
  t: Translate;
  privacy: PrivacyNotice;
  /** Offer to keep the card photo as a reference at our service; unticked unless the person ticks it. */
  offerEnrollment: boolean;
  onAccept(enroll: boolean): void;
  onDecline(): void;
}) {
  const accept = useRef<HTMLButtonElement>(null);
  const [enroll, setEnroll] = useState(false);
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
      {offerEnrollment && (
        <label className="enroll">
          <input type="checkbox" data-testid="consent-enroll" checked={enroll} onChange={(e) => setEnroll(e.target.checked)} />
          <span>{t('consentEnroll')}</span>
        </label>
      )}
      <p className="hint">{t('consentDeclineNote')}</p>
      <div className="actions">
        <button className="secondary" data-testid="consent-decline" onClick={onDecline}>{t('consentDecline')}</button>
        <button ref={accept} className="primary" data-testid="consent-accept" onClick={() => onAccept(offerEnrollment && enroll)}>{t('consentAccept')}</button>
      </div>
    </main>
  );
}
