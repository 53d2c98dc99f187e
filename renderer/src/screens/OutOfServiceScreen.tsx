import type { Translate } from './types';

/** Main cannot serve (e.g. an unusable settings file): say so to the person, and what is wrong to the staff. */
export function OutOfServiceScreen({ t, reason }: { t: Translate; reason: string }) {
  return (
    <main className="screen error" data-screen="out-of-service">
      <h1>{t('outOfServiceTitle')}</h1>
      <p className="status">{t('outOfServiceBody')}</p>
      <p className="detail mono">{reason}</p>
    </main>
  );
}
