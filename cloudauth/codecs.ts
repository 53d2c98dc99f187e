import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { ResponseFormat } from './common-params';
import { CloudauthProtocolError } from './errors';

export interface DecodedBody {
  format: ResponseFormat;
  /** XML root element name (e.g. CompareFacesResponse, Error); undefined for JSON. */
  root?: string;
  /** JSON as parsed; XML as nested objects whose leaves are strings (schemas coerce them). */
  value: Record<string, unknown>;
}

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Keep every leaf a string: ID numbers, tokens and Code "1" must not become numbers.
  parseTagValue: false,
  trimValues: true,
  commentPropName: false,
});

const xmlBuilder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes a response body. The format is sniffed from the text rather than trusted from the
 * request, because gateways answer some errors in their own default format.
 */
export function decodeBody(text: string): DecodedBody {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw malformed('JSON');
    }
    if (!isRecord(value)) throw malformed('JSON');
    return { format: 'JSON', value };
  }
  if (trimmed.startsWith('<')) {
    let parsed: unknown;
    try {
      parsed = xmlParser.parse(trimmed, true);
    } catch {
      throw malformed('XML');
    }
    if (!isRecord(parsed)) throw malformed('XML');
    const roots = Object.keys(parsed);
    const root = roots[0];
    if (roots.length !== 1 || root === undefined) throw malformed('XML');
    const inner = parsed[root];
    return { format: 'XML', root, value: isRecord(inner) ? inner : {} };
  }
  throw malformed(undefined, trimmed);
}

// A broken JSON/XML answer may still hold personal data (GetMaterials), so only text that is
// neither (a proxy page, "Bad Gateway") is quoted, and parser errors, which quote input, are dropped.
function malformed(format: ResponseFormat | undefined, text = ''): CloudauthProtocolError {
  const preview = text.slice(0, 60).replace(/\s+/g, ' ');
  return new CloudauthProtocolError(`The response is not ${format ? `valid ${format}` : `JSON or XML (starts with "${preview}")`}.`, {
    code: 'MalformedResponse',
    hint: 'The endpoint may not be a cloudauth service (check the URL), or a proxy answered instead.',
    retryable: false,
  });
}

function toXmlTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toXmlTree);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = toXmlTree(v);
    return out;
  }
  return String(value);
}

/**
 * Encodes a response object the way the service does: JSON as is, XML under `<root>` with
 * arrays as repeated elements. Used by the self-hosted server and by test servers.
 */
export function encodeBody(root: string, value: Record<string, unknown>, format: ResponseFormat): string {
  if (format === 'JSON') return JSON.stringify(value);
  const xml: string = xmlBuilder.build({ [root]: toXmlTree(value) });
  return `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
}

/** Success body: `<ActionResponse>` in XML. */
export function encodeSuccessBody(action: string, value: Record<string, unknown>, format: ResponseFormat): string {
  return encodeBody(`${action}Response`, value, format);
}

/** Error body as the guide shows it: RequestId, HostId, Code, Message (`<Error>` in XML). */
export function encodeErrorBody(
  error: { RequestId: string; HostId: string; Code: string; Message: string },
  format: ResponseFormat,
): string {
  return encodeBody('Error', { RequestId: error.RequestId, HostId: error.HostId, Code: error.Code, Message: error.Message }, format);
}

export function contentTypeFor(format: ResponseFormat): string {
  return format === 'JSON' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8';
}
