import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ACTIONS, DEFAULT_API_VERSION, flattenRequest, placeParams, type ActionData, type ActionName, type ActionRequest, type ApiVersion } from './actions';
import { formEncode, stringToSign, type FlatParams, type HttpMethod } from './canonical';
import { decodeBody } from './codecs';
import { commonParams, type ResponseFormat } from './common-params';
import {
  apiErrorFromBody,
  CloudauthAbortedError,
  CloudauthError,
  CloudauthImageError,
  CloudauthInputError,
  CloudauthNetworkError,
  CloudauthProtocolError,
  CloudauthServerError,
  CloudauthThrottledError,
  CloudauthTimeoutError,
  CloudauthRejectedError,
  type CloudauthErrorJson,
} from './errors';
import { MAX_BODY_BYTES } from './image-value';
import { computeSignature } from './signer';
import { axiosTransport, type HttpTransport } from './transport';
import { Envelope } from './wire-types';

export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };
export const DEFAULT_REGION = 'cn-hangzhou';

export interface CloudauthClientOptions {
  /** e.g. https://cloudauth.aliyuncs.com (a trailing slash is ignored). */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  region?: string;
  apiVersion?: ApiVersion;
  /** Format asked of the service; both are parsed into the same objects. Default JSON. */
  format?: ResponseFormat;
  /** Per attempt, covering upload and the whole answer. Default 20 s (the official SDK's 3 s is too short for images). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  transport?: HttpTransport;
  clock?: () => Date;
  nonce?: () => string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1) source for backoff jitter. */
  random?: () => number;
  /**
   * Allow a plain http:// endpoint that is not on this machine. Off by default: the request
   * carries a signed AccessKey ID and the person's photo. Loopback (127.0.0.1, ::1, localhost) is always allowed.
   */
  allowInsecureHttp?: boolean;
  /**
   * Sent as `x-renzheng-client` so our own service can tell its kiosks' verifications from other
   * callers' (the console's "source"); not signed, carries nothing personal, ignored by Alibaba.
   */
  clientTag?: 'kiosk';
  /** Called before each retry; carries no parameters or secrets, safe to log. */
  onRetry?: (info: { action: string; attempt: number; delayMs: number; error: CloudauthErrorJson }) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  format?: ResponseFormat;
  /** Overrides the client's version for this call (CompareFaces exists in 2018-09-16 and 2019-03-07). */
  apiVersion?: ApiVersion;
}

/** A successful response: the common envelope with Data typed per action. */
export interface CloudauthResult<D> {
  RequestId?: string;
  Code?: string;
  Message?: string;
  Success: boolean;
  Data: D;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortedError(action: string): CloudauthAbortedError {
  return new CloudauthAbortedError(`${action} was cancelled.`, { code: 'Aborted', hint: 'The caller cancelled the request.', retryable: false, action });
}

function inputErrorFromIssues(action: string, issues: readonly z.core.$ZodIssue[]): CloudauthInputError {
  const described = issues.map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`);
  const first = issues[0]?.message ?? '';
  const code = /^([A-Za-z]+(?:\.[A-Za-z]+)+|ImageTooLarge):/.exec(first)?.[1] ?? 'InvalidRequest';
  const Ctor = code === 'ImageTooLarge' ? CloudauthImageError : CloudauthInputError;
  return new Ctor(`${action} request is invalid: ${described.join('; ')}`, {
    code,
    hint: 'Fix the parameters; nothing was sent.',
    retryable: false,
    action,
  });
}

const SERVER_STRING_TO_SIGN = /server string to sign is:\s*(\S+)/i;

/**
 * A client for every action of the 2018 cloudauth guide (and CompareFaces of
 * 2019-03-07). Each attempt is signed afresh (new nonce, timestamp, signature); only network errors,
 * timeouts, 5xx and throttling are retried.
 */
export class CloudauthClient {
  private readonly endpoint: string;
  private readonly transport: HttpTransport;
  private readonly retry: RetryPolicy;
  private readonly clock: () => Date;
  private readonly nonce: () => string;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: CloudauthClientOptions) {
    if (!/^https?:\/\//.test(options.endpoint)) {
      throw new CloudauthInputError(`The endpoint must be an http(s) URL.`, {
        code: 'InvalidEndpoint',
        hint: 'Use e.g. https://cloudauth.aliyuncs.com.',
        retryable: false,
      });
    }
    const insecure = insecureEndpointProblem(options.endpoint, options.allowInsecureHttp ?? false);
    if (insecure) throw new CloudauthInputError(insecure, { code: 'InsecureEndpoint', hint: 'Use https://, or set allowInsecureHttp for a test service on a trusted network.', retryable: false });
    if (!options.accessKeyId || !options.accessKeySecret) {
      throw new CloudauthInputError('An AccessKey ID and secret are required.', {
        code: 'MissingCredentials',
        hint: 'Configure them in settings, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET.',
        retryable: false,
      });
    }
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.transport = options.transport ?? axiosTransport();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? (() => new Date());
    this.nonce = options.nonce ?? randomUUID;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
  }

  getVerifyToken(request: ActionRequest<'GetVerifyToken'>, options?: CallOptions) {
    return this.call('GetVerifyToken', request, options);
  }
  submitMaterials(request: ActionRequest<'SubmitMaterials'>, options?: CallOptions) {
    return this.call('SubmitMaterials', request, options);
  }
  getStatus(request: ActionRequest<'GetStatus'>, options?: CallOptions) {
    return this.call('GetStatus', request, options);
  }
  getMaterials(request: ActionRequest<'GetMaterials'>, options?: CallOptions) {
    return this.call('GetMaterials', request, options);
  }
  compareFaces(request: ActionRequest<'CompareFaces'>, options?: CallOptions) {
    return this.call('CompareFaces', request, options);
  }
  detectFaceAttributes(request: ActionRequest<'DetectFaceAttributes'>, options?: CallOptions) {
    return this.call('DetectFaceAttributes', request, options);
  }
  submitVerification(request: ActionRequest<'SubmitVerification'>, options?: CallOptions) {
    return this.call('SubmitVerification', request, options);
  }

  /** Validates, places (query/body per the guide), signs, sends with retries, and parses the answer. */
  async call<A extends ActionName>(action: A, request: ActionRequest<A>, options: CallOptions = {}): Promise<CloudauthResult<ActionData<A>>> {
    const spec = ACTIONS[action];
    const version = options.apiVersion ?? this.options.apiVersion ?? DEFAULT_API_VERSION;
    if (!spec.versions.includes(version)) {
      throw new CloudauthInputError(`${action} does not exist in API version ${version}.`, {
        code: 'UnsupportedApiVersion',
        hint: `Use API version ${spec.versions.join(' or ')}.`,
        retryable: false,
        action,
      });
    }
    const parsed = spec.request.safeParse(request);
    if (!parsed.success) throw inputErrorFromIssues(action, parsed.error.issues);
    const { query, body } = placeParams(spec, flattenRequest(parsed.data as Record<string, unknown>));
    query.RegionId = this.options.region ?? DEFAULT_REGION;
    const hasBody = Object.keys(body).length > 0;
    // GET only when the guide allows it and nothing needs the body (base64 images need POST).
    const method: HttpMethod = !hasBody && spec.methods[0] === 'GET' ? 'GET' : 'POST';
    const encodedBody = hasBody ? formEncode(body) : undefined;
    if (encodedBody && encodedBody.length > MAX_BODY_BYTES) {
      throw new CloudauthInputError(`The ${action} body is ${encodedBody.length} bytes; the service accepts at most ${MAX_BODY_BYTES}.`, {
        code: 'BodyTooLarge',
        hint: 'Downscale the images (prepareImages fits several into one body) or send http(s)/oss URLs instead.',
        retryable: false,
        action,
      });
    }
    const data = await this.send(action, version, method, query, body, encodedBody, options);
    const decoded = spec.data.safeParse(data.Data);
    if (!decoded.success) {
      const where = decoded.error.issues.map((i) => `Data.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new CloudauthProtocolError(`The ${action} answer does not have the documented shape (${where}).`, {
        code: 'UnexpectedResponse',
        hint: 'Check the endpoint and API version; report the RequestId if they are right.',
        retryable: false,
        action,
      });
    }
    return { ...data, Data: decoded.data as ActionData<A> };
  }

  private async send(
    action: string,
    version: ApiVersion,
    method: HttpMethod,
    query: FlatParams,
    body: FlatParams,
    encodedBody: string | undefined,
    options: CallOptions,
  ): Promise<CloudauthResult<unknown>> {
    const { signal } = options;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(action);
      // Fresh nonce, timestamp and signature per attempt: a replay would be refused as SignatureNonceUsed.
      const signedQuery: FlatParams = {
        ...query,
        ...commonParams({
          action,
          version,
          accessKeyId: this.options.accessKeyId,
          format: options.format ?? this.options.format ?? 'JSON',
          timestamp: this.clock(),
          nonce: this.nonce(),
          securityToken: this.options.securityToken,
        }),
      };
      const all = { ...signedQuery, ...body };
      signedQuery.Signature = computeSignature(all, this.options.accessKeySecret, method);
      try {
        return await this.attempt(action, method, `${this.endpoint}/?${formEncode(signedQuery)}`, encodedBody, stringToSign(method, all), options);
      } catch (error) {
        if (!(error instanceof CloudauthError) || !error.retryable || attempt >= this.retry.maxAttempts) throw error;
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(backoff * (0.5 + this.random() / 2));
        this.options.onRetry?.({ action, attempt, delayMs, error: error.toJSON() });
        try {
          await this.sleep(delayMs, signal);
        } catch {
          throw abortedError(action);
        }
      }
    }
  }

  private async attempt(
    action: string,
    method: HttpMethod,
    url: string,
    body: string | undefined,
    ourStringToSign: string,
    options: CallOptions,
  ): Promise<CloudauthResult<unknown>> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let response;
    try {
      response = await this.transport({
        method,
        url,
        headers: {
          accept: 'application/json, text/xml',
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }),
          ...(this.options.clientTag ? { 'x-renzheng-client': this.options.clientTag } : {}),
        },
        body,
        signal: controller.signal,
      });
    } catch (thrown) {
      // The transport's error (axios) holds the request config, body included: keep only its code.
      const reason = (thrown as { code?: unknown })?.code;
      const cause = new Error(typeof reason === 'string' ? reason : thrown instanceof Error ? thrown.name : 'transport error');
      if (timedOut) {
        throw new CloudauthTimeoutError(`${action} got no complete answer within ${timeoutMs} ms.`, {
          code: 'Timeout',
          hint: 'The network or service is slow; retried automatically. Raise timeoutMs for large images.',
          retryable: true,
          action,
          cause,
        });
      }
      if (options.signal?.aborted) throw abortedError(action);
      if (reason === 'ResponseTooLarge') {
        throw new CloudauthProtocolError(`${action}: the service's answer is larger than the kiosk reads; stopped reading.`, {
          code: 'ResponseTooLarge',
          hint: 'Check the endpoint URL: a cloudauth answer is a few KB, this one is not from a cloudauth service.',
          retryable: false,
          action,
          cause,
        });
      }
      throw new CloudauthNetworkError(`${action} could not reach the service${typeof reason === 'string' ? ` (${reason})` : ''}.`, {
        code: 'NetworkError',
        hint: 'Check the endpoint URL and the kiosk network; retried automatically.',
        retryable: true,
        action,
        cause,
      });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    return this.interpret(action, response.status, response.body, ourStringToSign);
  }

  private interpret(action: string, status: number, text: string, ourStringToSign: string): CloudauthResult<unknown> {
    const ok = status >= 200 && status < 300;
    let decoded;
    try {
      decoded = decodeBody(text);
    } catch (error) {
      if (ok) throw error;
      throw httpError(action, status);
    }
    const envelope = Envelope.safeParse(decoded.value);
    const env = envelope.success ? envelope.data : undefined;
    if (!ok || env?.Success === false) {
      if (!env?.Code) throw httpError(action, status);
      const error = apiErrorFromBody({ RequestId: env.RequestId, HostId: env.HostId, Code: env.Code, Message: env.Message }, status, action);
      if (env.Code === 'SignatureDoesNotMatch') return explainSignatureMismatch(error, env.Message, ourStringToSign);
      throw error;
    }
    if (!env) {
      throw new CloudauthProtocolError(`The ${action} answer has no readable envelope.`, {
        code: 'UnexpectedResponse',
        hint: 'Check the endpoint; report the RequestId if it is right.',
        retryable: false,
        action,
      });
    }
    return { RequestId: env.RequestId, Code: env.Code, Message: env.Message, Success: env.Success ?? true, Data: env.Data };
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why an endpoint must not be used over plain HTTP, or undefined when it may. */
export function insecureEndpointProblem(endpoint: string, allowInsecureHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `The endpoint ${endpoint} is not a URL.`;
  }
  if (url.protocol === 'https:' || allowInsecureHttp) return undefined;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname))) return undefined;
  return `The endpoint ${url.origin} is plain http:// off this machine: the AccessKey signature and the photos would travel unencrypted.`;
}

function httpError(action: string, status: number): CloudauthError {
  const fields = { code: `HTTP${status}`, action, httpStatus: status, kind: status >= 500 ? ('server' as const) : ('unknown' as const) };
  const message = `${action} failed with HTTP ${status} and no cloudauth error body.`;
  if (status === 429) return new CloudauthThrottledError(message, { ...fields, kind: 'throttled', retryable: true, hint: 'Too many requests; retried with backoff.' });
  if (status >= 500) return new CloudauthServerError(message, { ...fields, retryable: true, hint: 'A gateway or proxy failed; retried automatically.' });
  return new CloudauthRejectedError(message, { ...fields, retryable: false, hint: 'Check the endpoint URL (a proxy or a non-cloudauth server answered).' });
}

/**
 * The live gateway echoes its string to sign. If it equals ours, the secret is wrong; if not, the
 * request was changed on the way. Only the verdict is kept: the string itself can hold personal data.
 */
function explainSignatureMismatch(error: CloudauthError, serverMessage: string | undefined, ours: string): never {
  const theirs = serverMessage ? SERVER_STRING_TO_SIGN.exec(serverMessage)?.[1] : undefined;
  if (theirs === undefined) throw error;
  const hint =
    theirs === ours
      ? 'The service computed the same string to sign, so the AccessKey secret is wrong.'
      : 'The service computed a different string to sign: a proxy or the endpoint changed the request (path, encoding or parameters).';
  Object.defineProperty(error, 'hint', { value: hint });
  throw error;
}
