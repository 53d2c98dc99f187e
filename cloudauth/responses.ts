import { contentTypeFor, encodeErrorBody, encodeSuccessBody } from './codecs';
import type { ResponseFormat } from './common-params';
import { errorStatus, lookupError } from './error-catalogue';

/** One HTTP answer of the service: status, content type and body text. */
export interface EncodedResponse {
  status: number;
  contentType: string;
  body: string;
}

/** The success code the 2018 guide's examples carry ("Code": "1"); pop-core needs `codes: ['1']` for it. */
export const SUCCESS_CODE = '1';

/**
 * A success body as the guide prints it: RequestId, Success true, Code "1" and Data, under
 * `<ActionResponse>` in XML. Data must already have its wire shape (e.g. ConfidenceThresholds as a JSON string).
 */
export function successResponse(action: string, data: Record<string, unknown>, requestId: string, format: ResponseFormat): EncodedResponse {
  return {
    status: 200,
    contentType: contentTypeFor(format),
    body: encodeSuccessBody(action, { RequestId: requestId, Success: true, Code: SUCCESS_CODE, Data: data }, format),
  };
}

export interface ErrorContext {
  requestId: string;
  hostId: string;
  format: ResponseFormat;
  /** The action, where the guide gives an action-specific status (InvalidParam.ParamMissing is 403 for some). */
  action?: string;
  /** Appended to the catalogue message; must not hold personal data or secrets. */
  detail?: string;
}

/** An error body (RequestId, HostId, Code, Message) with the status the guide or gateway gives for the code. */
export function errorResponse(code: string, context: ErrorContext): EncodedResponse {
  const base = lookupError(code)?.message ?? 'The request failed.';
  const message = context.detail ? `${base} ${context.detail}` : base;
  return {
    status: errorStatus(code, context.action),
    contentType: contentTypeFor(context.format),
    body: encodeErrorBody({ RequestId: context.requestId, HostId: context.hostId, Code: code, Message: message }, context.format),
  };
}
