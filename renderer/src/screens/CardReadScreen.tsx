import { useEffect, useRef } from 'react';
import type { CardPublic } from '../../../contract';
import type { Translate } from './types';

export function CardReadScreen({ t, card, onContinue }: { t: Translate; card: CardPublic; onContinue(): void }) {
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  const demo = card.warnings.includes('demo-card');
  return (
    <main className="screen card-read" data-screen="cardRead" data-demo={String(demo)}>
      <h1>{t('cardReadTitle')}</h1>
      {demo && <p className="badge demo-mark" data-testid="demo-card-mark">{t('demoCardMark')}</p>}
      <div className="card-summary">
        {card.photo ? (
          <img className="chip-photo" alt="" src={`data:${card.photo.mime};base64,${card.photo.base64}`} />
        ) : (
          <div className="chip-photo missing" />
        )}
        <dl>
          <dt>{card.name}</dt>
          {card.englishName && <dd>{card.englishName}</dd>}
          <dd className="mono">{card.idNumberMasked}</dd>
        </dl>
      </div>
      {card.expired && <p className="status warn">{t('cardExpired')}</p>}
      {!card.photo && <p className="status warn">{t('noChipPhoto')}</p>}
      <button ref={next} className="primary" data-testid="card-continue" onClick={onContinue}>{t('cardReadContinue')}</button>
    </main>
  );
}
