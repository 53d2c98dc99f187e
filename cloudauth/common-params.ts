import type { FlatParams } from './canonical';

export type ResponseFormat = 'JSON' | 'XML';

/** ISO 8601 in UTC to the second (yyyy-MM-ddTHH:mm:ssZ); the gateway rejects milliseconds. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export interface CommonParamsInput {
  action: string;
  version: string;
  accessKeyId: string;
  format: ResponseFormat;
  timestamp: Date;
  nonce: string;
  securityToken?: string;
}

/** The public parameters every RPC request carries (Signature is added by the signer). */
export function commonParams(input: CommonParamsInput): FlatParams {
  const params: FlatParams = {
    Action: input.action,
    Version: input.version,
    Format: input.format,
    AccessKeyId: input.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: input.nonce,
    Timestamp: formatTimestamp(input.timestamp),
  };
  if (input.securityToken) params.SecurityToken = input.securityToken;
  return params;
}

/** Names the signer and gateway own; an action's own parameters may not use them. */
export const COMMON_PARAM_NAMES: ReadonlySet<string> = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
  'SecurityToken',
  'RegionId',
]);
