import { lookupError, type ErrorKind } from './error-catalogue';

/** What a CloudauthError looks like when printed (CLI) or logged: no parameters, no secrets. */
export interface CloudauthErrorJson {
  name: string;
  code: string;
  message: string;
  hint: string;
  retryable: boolean;
  httpStatus?: number;
  requestId?: string;
  hostId?: string;
  action?: string;
}

interface ErrorFields {
  code: string;
  hint: string;
  retryable: boolean;
  action?: string;
  cause?: unknown;
}

/** Root of every error this package throws. `code` is the spec/gateway code or a client code. */
export class CloudauthError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly retryable: boolean;
  readonly action?: string;

  constructor(message: string, fields: ErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.code = fields.code;
    this.hint = fields.hint;
    this.retryable = fields.retryable;
    this.action = fields.action;
  }

  toJSON(): CloudauthErrorJson {
    const json: CloudauthErrorJson = { name: this.name, code: this.code, message: this.message, hint: this.hint, retryable: this.retryable };
    if (this.action) json.action = this.action;
    return json;
  }
}

export interface ApiErrorBody {
  RequestId?: string;
  HostId?: string;
  Code: string;
  Message?: string;
}

/** The service answered with an error body (HTTP 4xx/5xx, or Success=false). */
export class CloudauthApiError extends CloudauthError {
  readonly httpStatus: number;
  readonly requestId?: string;
  readonly hostId?: string;
  readonly kind: ErrorKind | 'unknown';

  constructor(message: string, fields: ErrorFields & { httpStatus: number; requestId?: string; hostId?: string; kind: ErrorKind | 'unknown' }) {
    super(message, fields);
    this.httpStatus = fields.httpStatus;
    this.requestId = fields.requestId;
    this.hostId = fields.hostId;
    this.kind = fields.kind;
  }

  override toJSON(): CloudauthErrorJson {
    const json = super.toJSON();
    json.httpStatus = this.httpStatus;
    if (this.requestId) json.requestId = this.requestId;
    if (this.hostId) json.hostId = this.hostId;
    return json;
  }
}
/** Credentials, signature, clock, nonce or permission: configuration must change. */
export class CloudauthAuthError extends CloudauthApiError {}
/** Throttling.*: retried with backoff. */
export class CloudauthThrottledError extends CloudauthApiError {}
/** 5xx from the service. */
export class CloudauthServerError extends CloudauthApiError {}
/** The service refused the request as given (invalid parameters, unknown ticket, no face …). */
export class CloudauthRejectedError extends CloudauthApiError {}

/** Connection refused/reset, DNS failure, TLS failure: nothing usable came back. */
export class CloudauthNetworkError extends CloudauthError {}
/** No complete answer within the configured timeout. */
export class CloudauthTimeoutError extends CloudauthError {}
/** The caller's AbortSignal fired. */
export class CloudauthAbortedError extends CloudauthError {}
/** The answer could not be understood (not JSON/XML, or not the shape the guide documents). */
export class CloudauthProtocolError extends CloudauthError {}
/** Refused before sending: invalid parameters, unsupported action/version, body too large. */
export class CloudauthInputError extends CloudauthError {}
/** An image could not be read, or cannot be made to fit the size limits. */
export class CloudauthImageError extends CloudauthInputError {}
/** The RPMin review did not reach a final status before the deadline. */
export class CloudauthDeadlineError extends CloudauthError {
  readonly ticketId: string;
  constructor(message: string, fields: ErrorFields & { ticketId: string }) {
    super(message, fields);
    this.ticketId = fields.ticketId;
  }
}

// The live gateway appends "server string to sign is:…" to SignatureDoesNotMatch; it can contain
// request parameters (names, ID numbers), so it never goes into our messages.
const STRING_TO_SIGN_SUFFIX = /\s*server string to sign is:[\s\S]*$/i;

/** Builds the typed error for an error body answered with the given HTTP status. */
export function apiErrorFromBody(body: ApiErrorBody, httpStatus: number, action?: string): CloudauthApiError {
  const entry = lookupError(body.Code);
  const serverMessage = (body.Message ?? '').replace(STRING_TO_SIGN_SUFFIX, '').trim();
  const message = `${action ?? 'cloudauth'} failed: ${body.Code}${serverMessage ? ` (${serverMessage})` : entry ? ` (${entry.message})` : ''}`;
  const kind = entry?.kind ?? (httpStatus >= 500 ? 'server' : 'unknown');
  const fields = {
    code: body.Code,
    hint: entry?.hint ?? (httpStatus >= 500 ? 'Service-side failure; retried automatically.' : 'Unknown error code; see the message and RequestId.'),
    retryable: entry ? entry.retryable : httpStatus >= 500,
    action,
    httpStatus,
    requestId: body.RequestId,
    hostId: body.HostId,
    kind,
  } as const;
  if (kind === 'throttled') return new CloudauthThrottledError(message, fields);
  if (kind === 'auth' || kind === 'clock' || kind === 'replay') return new CloudauthAuthError(message, fields);
  if (httpStatus >= 500 && fields.retryable) return new CloudauthServerError(message, fields);
  if (kind === 'server') return new CloudauthServerError(message, fields);
  return new CloudauthRejectedError(message, fields);
}
