/**
 * RFC 3986 percent-encoding as the POP signature v1.0 requires: UTF-8 bytes, unreserved
 * characters (A–Z a–z 0–9 - _ . ~) kept, everything else as %XY with uppercase hex.
 * encodeURIComponent leaves ! ' ( ) * alone, which is the classic cause of SignatureDoesNotMatch.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Inverse of percentEncode; also accepts '+' as a space, as form bodies from other clients may use it. */
export function percentDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, '%20'));
}
