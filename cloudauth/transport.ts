import axios, { type AxiosInstance } from 'axios';
import type { HttpMethod } from './canonical';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Fires on timeout or caller abort; the transport must stop and reject. */
  signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP exchange. Rejects only when no response arrived; any HTTP status resolves. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * Largest answer read from the service. Real cloudauth answers are a few KB (GetMaterials with
 * image URLs included); a body beyond this is a wrong or hostile endpoint, and reading it whole
 * would cost the kiosk its memory.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Largest request axios will send; the client refuses bodies over 8 MB before it gets here. */
const MAX_REQUEST_BYTES = 9 * 1024 * 1024;

/** The answer was cut off at MAX_RESPONSE_BYTES; code 'ResponseTooLarge'. */
export class ResponseTooLargeError extends Error {
  readonly code = 'ResponseTooLarge';
  constructor(readonly limit: number) {
    super(`the service's answer is larger than ${limit} bytes; reading stopped there`);
    this.name = 'ResponseTooLargeError';
  }
}

/** The production transport: axios, body as text, every status resolved, no axios timeout of its own, answers capped. */
export function axiosTransport(instance: AxiosInstance = axios.create(), maxResponseBytes = MAX_RESPONSE_BYTES): HttpTransport {
  return async (request) => {
    const response = await instance.request<string>({
      method: request.method,
      url: request.url,
      headers: request.headers,
      data: request.body,
      signal: request.signal,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // The 8 MB body limit is enforced before sending; axios' own default (10 MB) is the backstop.
      maxBodyLength: MAX_REQUEST_BYTES,
      // axios destroys the response stream once this many bytes arrived, so memory stays bounded.
      maxContentLength: maxResponseBytes,
      maxRedirects: 0,
    }).catch((error: unknown) => {
      if (error instanceof Error && /maxContentLength/.test(error.message)) throw new ResponseTooLargeError(maxResponseBytes);
      throw error;
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    return { status: response.status, headers, body: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
  };
}
