import type { StringKey } from '../i18n/strings';
import { reasonKeysFor } from '../i18n/reasons';
import type { FlowState } from './machine';

type T = (key: StringKey, vars?: Record<string, string | number>) => string;

/** What the kiosk says aloud when a screen opens; null where the screen speaks for itself (capture) or says nothing. */
export function spokenText(state: FlowState, t: T): string | null {
  switch (state.name) {
    case 'attract':
    case 'capture':
    case 'demoPhoto':
    case 'verifying':
      return null;
    case 'cardRead':
      return t('cardReadTitle');
    case 'manualCheck':
      return t('manualCheckBody');
    case 'consent':
      return t('consentTitle');
    case 'result': {
      const title = state.result.verdict === 'pass' ? t('resultPass') : state.result.verdict === 'fail' ? t('resultFail') : t('resultError');
      const { why } = reasonKeysFor(state.result);
      return why ? `${title}。${t(why)}` : title;
    }
    case 'error':
      return t('errorTitle');
  }
}
