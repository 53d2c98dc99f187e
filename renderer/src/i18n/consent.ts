import type { PrivacyNotice } from '../../../contract';
import type { StringKey } from './strings';

/** The consent screen's "how long" sentence, chosen from what main says the audit trail keeps. */
export function retentionSentence(privacy: PrivacyNotice): StringKey {
  if (!privacy.keepsRecords) return 'consentKeepNothing';
  return privacy.keepsImages ? 'consentKeepImages' : 'consentKeepRecordOnly';
}
