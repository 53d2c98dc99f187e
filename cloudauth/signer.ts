import { createHmac, timingSafeEqual } from 'node:crypto';
import { stringToSign, type FlatParams, type HttpMethod } from './canonical';

/** Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)). */
export function signString(text: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(text, 'utf8').digest('base64');
}

/** Signs every parameter except Signature (for POST: query and form body together). */
export function computeSignature(params: FlatParams, accessKeySecret: string, method: HttpMethod): string {
  return signString(stringToSign(method, params), accessKeySecret);
}

/** Returns the params with Signature added; the input is not modified. */
export function signParams(params: FlatParams, accessKeySecret: string, method: HttpMethod): FlatParams {
  return { ...params, Signature: computeSignature(params, accessKeySecret, method) };
}

/**
 * Server side: true when params.Signature matches. Constant-time comparison so a caller
 * cannot learn the expected signature byte by byte from response timing.
 */
export function verifySignature(params: FlatParams, accessKeySecret: string, method: HttpMethod): boolean {
  const given = params.Signature;
  if (!given) return false;
  const expected = Buffer.from(computeSignature(params, accessKeySecret, method));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
