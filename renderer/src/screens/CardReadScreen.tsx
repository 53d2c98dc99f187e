import type { CardPublic } from '../../../contract';
import type { Translate } from './types';

export function CardReadScreen({ t, card }: { t: Translate; card: CardPublic }) {
  return (
    <main className="screen card-read" data-screen="cardRead">
      <h1>{t('cardReadTitle')}</h1>
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
    </main>
  );
}
