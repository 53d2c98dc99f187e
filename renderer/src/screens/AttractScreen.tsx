import type { ReaderStatus } from '../../../contract';
import type { Translate } from './types';

export function AttractScreen({ t, reader, onSimulate, onUseMyFace }: { t: Translate; reader: ReaderStatus | null; onSimulate(): void; onUseMyFace(): void }) {
  return (
    <main className="screen attract" data-screen="attract">
      <div className="card-slot" aria-hidden="true" />
      <h1>{t('attractTitle')}</h1>
      <p className="hint">{t('attractHint')}</p>
      {reader?.state === 'searching' && <p className="status">{t('readerSearching')}</p>}
      {(reader?.state === 'error' || reader?.state === 'sam-fault') && <p className="status warn">{t('readerFault')}</p>}
      {reader?.canSimulate && (
        <div className="demo">
          <p className="badge">{t('demoBadge')}</p>
          <div className="actions">
            <button className="secondary" data-testid="simulate-card" onClick={onSimulate}>{t('simulateCard')}</button>
            <button className="secondary" data-testid="use-my-face" onClick={onUseMyFace}>{t('demoUseMyFace')}</button>
          </div>
          <p className="hint small">{t('demoUseMyFaceHint')}</p>
        </div>
      )}
    </main>
  );
}
