import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy';

/** An image could not be fetched; the message says why and is safe to return to the caller. */
export class ImageFetchError extends Error {}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

export interface FetchImageOptions {
  policy: AddressPolicy;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  resolve?: Resolver;
}

/**
 * Resolves a host and checks every address it resolves to before anything connects: one
 * forbidden address refuses the host, so a name that resolves to both public and private
 * addresses cannot be used to reach the private one.
 */
export async function checkedAddress(hostname: string, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<LookupAddress> {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  const version = isIP(bare);
  let addresses: LookupAddress[];
  if (version) {
    addresses = [{ address: bare, family: version }];
  } else {
    try {
      addresses = await resolve(bare);
    } catch {
      throw new ImageFetchError(`the image host ${bare} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new ImageFetchError(`the image host ${bare} has no address`);
  for (const a of addresses) {
    const why = policy.refuse(a.address);
    if (why) throw new ImageFetchError(`the image URL is refused: ${why}`);
  }
  return addresses[0]!;
}

/**
 * GET an http(s) image: at most maxBytes, within timeoutMs overall, following at most three
 * redirects, each hop's host checked against the policy after resolution. The connection goes
 * to the address that was checked (a lookup that answers differently the second time changes nothing).
 */
export async function fetchImage(url: string, options: FetchImageOptions): Promise<Buffer> {
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    let parsed: URL;
    try {
      parsed = new URL(current);
    } catch {
      throw new ImageFetchError('the image URL is not a valid URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ImageFetchError(`the image URL scheme ${parsed.protocol} is not http(s)`);
    if (parsed.username || parsed.password) throw new ImageFetchError('the image URL must not carry credentials');
    const address = await checkedAddress(parsed.hostname, options.policy, options.resolve);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ImageFetchError(`the image did not arrive within ${options.timeoutMs} ms`);
    const answer = await getOnce(parsed, address, options.maxBytes, remaining, options.timeoutMs);
    if (answer.kind === 'body') return answer.body;
    current = new URL(answer.location, parsed).href;
  }
  throw new ImageFetchError('the image URL redirects too many times');
}

type Answer = { kind: 'body'; body: Buffer } | { kind: 'redirect'; location: string };

function getOnce(url: URL, address: LookupAddress, maxBytes: number, timeoutMs: number, totalTimeoutMs: number): Promise<Answer> {
  const pinned: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  let timer: NodeJS.Timeout | undefined;
  const answer = new Promise<Answer>((resolve, reject) => {
    const request = transport.get(url, { lookup: pinned, headers: { accept: 'image/*' }, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        resolve({ kind: 'redirect', location: response.headers.location });
        return;
      }
      if (status !== 200) {
        response.resume();
        reject(new ImageFetchError(`the image URL answered HTTP ${status}`));
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.destroy();
        reject(new ImageFetchError(`the image is ${declared} bytes; at most ${maxBytes} are accepted`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          response.destroy();
          reject(new ImageFetchError(`the image is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ kind: 'body', body: Buffer.concat(chunks) }));
      response.on('error', () => reject(new ImageFetchError('the image download was interrupted')));
    });
    // An overall limit, not an idle one: a server trickling a byte a second must not hold a request.
    timer = setTimeout(() => request.destroy(new ImageFetchError(`the image did not arrive within ${totalTimeoutMs} ms`)), timeoutMs);
    request.on('error', (error) => reject(error instanceof ImageFetchError ? error : new ImageFetchError('the image URL could not be reached')));
  });
  return answer.finally(() => clearTimeout(timer));
}
