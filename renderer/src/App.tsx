import { useCallback, useEffect, useReducer, useState } from 'react';
import type { ContractClient, Language, PublicSettings, ReaderStatus } from '../../contract';
import { initialState, timeoutFor, transition, type FlowEvent } from './flow/machine';
import { translate, type StringKey } from './i18n/strings';
import { AttractScreen } from './screens/AttractScreen';
import { CardReadScreen } from './screens/CardReadScreen';
import { ConsentScreen } from './screens/ConsentScreen';
import { CaptureScreen } from './screens/CaptureScreen';
import { VerifyingScreen } from './screens/VerifyingScreen';
import { ResultScreen } from './screens/ResultScreen';
import { ErrorScreen } from './screens/ErrorScreen';
import { OutOfServiceScreen } from './screens/OutOfServiceScreen';

const CARD_READ_DWELL_MS = 1500;

export function App({ client }: { client: ContractClient }) {
  const [state, dispatch] = useReducer(transition, initialState);
  const [settings, setSettings] = useState<PublicSettings | null>(null);
  const [language, setLanguage] = useState<Language>('zh-CN');
  const [reader, setReader] = useState<ReaderStatus | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    client.invoke('settings.public', {}).then((s) => {
      setSettings(s);
      setLanguage(s.language);
    }, (error: Error) => setLoadError(error.message));
    client.invoke('reader.status', {}).then(setReader, () => undefined);
    const offs = [
      client.on('reader.status', setReader),
      client.on('reader.card', (card) => dispatch({ type: 'CARD_READ', card })),
      client.on('reader.cardRemoved', ({ cardId }) => dispatch({ type: 'CARD_REMOVED', cardId })),
      client.on('reader.error', (error) => dispatch({ type: 'READER_ERROR', error })),
      client.on('verify.progress', ({ verificationId, stage }) => dispatch({ type: 'VERIFY_PROGRESS', verificationId, stage })),
      client.on('verify.result', (result) => dispatch({ type: 'VERIFY_RESULT', result })),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // State timers: every screen but attract and verifying returns to attract on its own.
  useEffect(() => {
    if (!settings) return;
    if (state.name === 'cardRead') {
      const timer = setTimeout(() => dispatch({ type: 'CONTINUE' }), CARD_READ_DWELL_MS);
      return () => clearTimeout(timer);
    }
    const ms = timeoutFor(state, { ...settings, captureTimeoutMs: settings.capture.captureTimeoutMs });
    if (ms === null) return;
    const timer = setTimeout(() => dispatch({ type: 'TIMEOUT' }), ms);
    return () => clearTimeout(timer);
  }, [state, settings]);

  // Leaving the flow forgets the card in main too.
  useEffect(() => {
    if (state.name === 'attract') void client.invoke('session.reset', {}).catch(() => undefined);
  }, [state.name, client]);

  const t = useCallback((key: StringKey) => translate(language, key), [language]);
  const send = useCallback((event: FlowEvent) => dispatch(event), []);

  if (loadError) return <ErrorScreen t={t} language={language} error={{ code: 'unavailable', message: loadError }} onDone={() => location.reload()} />;
  if (!settings) return <main className="screen" data-screen="loading" />;
  if (settings.outOfService) return <OutOfServiceScreen t={t} reason={settings.outOfService} />;

  return (
    <div className="kiosk" data-state={state.name} lang={language}>
      <header className="topbar">
        <span className="brand">{t('appTitle')}</span>
        <button className="link" onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}>{t('languageSwitch')}</button>
      </header>
      {state.name === 'attract' && <AttractScreen t={t} reader={reader} onSimulate={() => void client.invoke('reader.simulate', { action: 'present' })} />}
      {state.name === 'cardRead' && <CardReadScreen t={t} card={state.card} />}
      {state.name === 'consent' && <ConsentScreen t={t} onAccept={() => send({ type: 'CONSENT_ACCEPTED' })} onDecline={() => send({ type: 'CONSENT_DECLINED' })} />}
      {state.name === 'capture' && <CaptureScreen t={t} client={client} card={state.card} settings={settings.capture} language={language} send={send} />}
      {state.name === 'verifying' && <VerifyingScreen t={t} stage={state.stage} />}
      {state.name === 'result' && <ResultScreen t={t} language={language} result={state.result} onDone={() => send({ type: 'CONTINUE' })} />}
      {state.name === 'error' && <ErrorScreen t={t} language={language} error={state.error} onDone={() => send({ type: 'CONTINUE' })} />}
    </div>
  );
}
