import { useEffect, useRef } from 'react';
import type { CardPublic } from '../../../contract';
import type { Translate } from './types';

/** No decodable chip photo: faces cannot be compared, so the person is sent to staff (main records a manual check). */
export function ManualCheckScreen({ t, card, onDone }: { t: Translate; card: CardPublic; onDone(): void }) {
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => done.current?.focus(), []);
  return (
    <main className="screen manual-check" data-screen="manualCheck">
      <h1>{t('manualCheckTitle')}</h1>
      <p className="mono">{card.name} · {card.idNumberMasked}</p>
      <p className="status warn">{t('manualCheckBody')}</p>
      <button ref={done} className="primary" onClick={onDone}>{t('tryAgain')}</button>
    </main>
  );
}
