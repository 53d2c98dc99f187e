import { percentEncode } from './percent-encode';

/** Flat request parameters as they travel on the wire (query ∪ form body). */
export type FlatParams = Record<string, string>;
export type HttpMethod = 'GET' | 'POST';

/**
 * CanonicalizedQueryString: every parameter except Signature, sorted by name (byte order of the
 * names as strings, which is what every official SDK does), each name and value percent-encoded.
 */
export function canonicalQuery(params: FlatParams): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/** StringToSign = METHOD & %2F & percentEncode(canonical query). */
export function stringToSign(method: HttpMethod, params: FlatParams): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** application/x-www-form-urlencoded serialisation using the same encoder as the signature. */
export function formEncode(params: FlatParams): string {
  return Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
}

/** Parses a query string or form body into flat params; a repeated name keeps its last value. */
export function parseForm(text: string): FlatParams {
  const params: FlatParams = {};
  if (!text) return params;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    params[decodeURIComponent(name.replace(/\+/g, '%20'))] = decodeURIComponent(value.replace(/\+/g, '%20'));
  }
  return params;
}
