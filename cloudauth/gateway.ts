import type { FlatParams } from './canonical';
import type { ResponseFormat } from './common-params';

/**
 * The POP gateway's checks on the common parameters, as pure functions, so the self-hosted
 * service and tests apply exactly one rule set. Signature and nonce checks need the key store
 * and the nonce store; they live with the service, which calls verifySignature from ./signer.
 */

/** The gateway's documented skew (error table 48054: "大于15分钟"); accepted either way. */
export const TIMESTAMP_TOLERANCE_MS = 15 * 60_000;

/**
 * How long a nonce must be remembered: a request is accepted while its timestamp is within the
 * tolerance of now, so a nonce seen at timestamp T can be replayed until T + tolerance.
 * One extra minute covers clock differences between server processes sharing one database.
 */
export function nonceExpiry(timestamp: Date, now: Date): Date {
  return new Date(Math.max(timestamp.getTime(), now.getTime()) + TIMESTAMP_TOLERANCE_MS + 60_000);
}

/** Format as the gateway reads it: JSON or XML in any case, XML when absent or unknown. */
export function responseFormatOf(params: FlatParams): ResponseFormat {
  return params.Format?.toUpperCase() === 'JSON' ? 'JSON' : 'XML';
}

export interface GatewayFault {
  ok: false;
  code: string;
  /** Safe to send back and to log: names parameters, never echoes values. */
  detail: string;
}

export interface CommonRequest {
  ok: true;
  action: string;
  version: string;
  accessKeyId: string;
  nonce: string;
  timestamp: Date;
  format: ResponseFormat;
}

const REQUIRED = ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature'] as const;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses yyyy-MM-ddTHH:mm:ssZ (UTC, no fraction, as the guide requires); undefined when malformed or impossible. */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2024-02-30 over to March; a round trip catches impossible dates.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return date;
}

/**
 * Checks what the gateway checks before it looks up the key: every common parameter present,
 * HMAC-SHA1 / 1.0, and a well-formed Timestamp within ±15 minutes of now.
 */
export function checkCommonParams(params: FlatParams, now: Date): CommonRequest | GatewayFault {
  for (const name of REQUIRED) {
    if (!params[name]) return { ok: false, code: 'MissingParameter', detail: `The input parameter "${name}" that is mandatory for processing this request is not supplied.` };
  }
  if (params.SignatureMethod !== 'HMAC-SHA1') {
    return { ok: false, code: 'IncompleteSignature', detail: 'SignatureMethod must be HMAC-SHA1.' };
  }
  if (params.SignatureVersion !== '1.0') {
    return { ok: false, code: 'IncompleteSignature', detail: 'SignatureVersion must be 1.0.' };
  }
  const timestamp = parseTimestamp(params.Timestamp!);
  if (!timestamp) {
    return { ok: false, code: 'InvalidTimeStamp.Format', detail: 'Timestamp must be yyyy-MM-ddTHH:mm:ssZ in UTC.' };
  }
  if (Math.abs(now.getTime() - timestamp.getTime()) > TIMESTAMP_TOLERANCE_MS) {
    return { ok: false, code: 'InvalidTimeStamp.Expired', detail: 'Timestamp is more than 15 minutes away from the service clock; synchronise the caller clock (NTP).' };
  }
  return {
    ok: true,
    action: params.Action!,
    version: params.Version!,
    accessKeyId: params.AccessKeyId!,
    nonce: params.SignatureNonce!,
    timestamp,
    format: responseFormatOf(params),
  };
}
