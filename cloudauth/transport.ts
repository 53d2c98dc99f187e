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

/** The production transport: axios, body as text, every status resolved, no axios timeout of its own. */
export function axiosTransport(instance: AxiosInstance = axios.create()): HttpTransport {
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
      // The 8 MB body limit is enforced before sending; axios' own defaults would cut in first.
      maxBodyLength: Number.POSITIVE_INFINITY,
      maxContentLength: Number.POSITIVE_INFINITY,
      maxRedirects: 0,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    return { status: response.status, headers, body: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
  };
}
