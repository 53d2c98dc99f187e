import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { commonParams, decodeBody, formEncode, signParams, type FlatParams, type HttpMethod } from '../../../cloudauth';
import type { NewAccessKey } from '../../../server/admin';

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  root?: string;
  body: Record<string, unknown>;
}

export interface RawCallOptions {
  method?: HttpMethod;
  format?: 'JSON' | 'XML' | null;
  version?: string;
  timestamp?: Date;
  nonce?: string;
  /** Changes the params after signing (a tampered request). */
  tamper?: (params: FlatParams) => void;
  /** Replaces the common parameters entirely (for missing/malformed ones); signed as given. */
  override?: (params: FlatParams) => void;
}

/** Signs and sends one RPC request the way pop-core does (everything in a form body for POST). */
export async function rawCall(url: string, key: NewAccessKey, action: string, own: FlatParams, options: RawCallOptions = {}): Promise<RawAnswer> {
  const method = options.method ?? 'POST';
  const common = commonParams({
    action,
    version: options.version ?? '2018-09-16',
    accessKeyId: key.AccessKeyId,
    format: options.format ?? 'JSON',
    timestamp: options.timestamp ?? new Date(),
    nonce: options.nonce ?? randomUUID(),
  });
  if (options.format === null) delete common.Format;
  const params: FlatParams = { ...common, RegionId: 'cn-hangzhou', ...own };
  options.override?.(params);
  const signed = signParams(params, key.AccessKeySecret, method);
  options.tamper?.(signed);
  const body = method === 'POST' ? formEncode(signed) : undefined;
  const response = await send(method === 'POST' ? `${url}/` : `${url}/?${formEncode(signed)}`, method, body);
  const text = response.text;
  let decoded: { root?: string; value: Record<string, unknown> } = { value: {} };
  try {
    decoded = decodeBody(text);
  } catch {
    // left empty: the test asserts on text
  }
  return { status: response.status, contentType: response.contentType, text, root: decoded.root, body: decoded.value };
}

/** One request on its own connection (no keep-alive pool that could outlive a restarted server). */
export function send(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false, headers: body === undefined ? headers : { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
