import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import RPCClient from '@alicloud/pop-core';
import {
  compareFacesResponse,
  DETECT_FACE_ATTRIBUTES,
  errorResponse,
  GET_MATERIALS,
  GET_VERIFY_TOKEN,
  getStatusResponse,
  verifyStatusResponse,
  type SpecResponse,
} from './spec-responses';

/**
 * A cloudauth look-alike on 127.0.0.1 for tests. It checks requests the way the gateway does
 * (AccessKey, timestamp, signature, nonce) and where each parameter travels per the guide's
 * "参数位置" column, then answers from a per-action script in the format the request asked for.
 * Signatures are checked with @alicloud/pop-core's own signing, never with the code under test.
 */

type Flat = Record<string, string>;

/** The guide's placement table, written out independently of cloudauth/actions.ts. */
const SPEC_ACTIONS: Record<string, { query: string[]; body: (string | RegExp)[]; methods: string[] }> = {
  GetStatus: { query: ['Biz', 'TicketId'], body: [], methods: ['GET', 'POST'] },
  GetVerifyToken: { query: ['Biz', 'TicketId', 'UserData', 'VerifyConfigs'], body: ['Binding'], methods: ['GET', 'POST'] },
  SubmitMaterials: { query: [], body: ['VerifyToken', /^Material\.([1-9]|10)\.(MaterialType|Value)$/], methods: ['POST'] },
  GetMaterials: { query: ['Biz', 'TicketId'], body: [], methods: ['GET', 'POST'] },
  CompareFaces: { query: [], body: ['SourceImageType', 'SourceImageValue', 'TargetImageType', 'TargetImageValue'], methods: ['POST'] },
  DetectFaceAttributes: {
    query: [],
    body: ['MaterialValue', 'RetAttributes', 'MaxFaceNum', 'DontSaveDB', 'ClientTag', 'MaxNumPhotosPerCategory'],
    methods: ['POST'],
  },
  SubmitVerification: { query: [], body: ['Biz', 'TicketId', /^Material\.([1-9]|10)\.(MaterialType|Value)$/], methods: ['POST'] },
};
const COMMON = ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature', 'SecurityToken', 'RegionId'];

export type Behaviour =
  | { reply: SpecResponse; status?: number }
  | { error: { code: string; message: string; status: number; requestId?: string } }
  | { raw: { status: number; body: string; contentType?: string } }
  | { hang: true }
  | { reset: true }
  | { delayMs: number; then: Behaviour };

export interface RecordedRequest {
  method: string;
  action: string;
  query: Flat;
  body: Flat;
  contentType?: string;
  bodyBytes: number;
  nonce: string;
  timestamp: string;
  format: 'JSON' | 'XML';
  signatureOk: boolean;
  /** Code answered by the gateway checks, if any. */
  gatewayError?: string;
}

function parseFlat(text: string): Flat {
  const out: Flat = {};
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    const v = eq < 0 ? '' : pair.slice(eq + 1);
    out[decodeURIComponent(k.replace(/\+/g, ' '))] = decodeURIComponent(v.replace(/\+/g, ' '));
  }
  return out;
}

/** The gateway's "server string to sign", built the way pop-core's lib/rpc.js does (for the error message). */
function popStyleStringToSign(method: string, params: Flat): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
  const canon = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k] ?? '')}`)
    .join('&');
  return `${method}&${enc('/')}&${enc(canon)}`;
}

function defaultReply(action: string): SpecResponse | undefined {
  switch (action) {
    case 'GetVerifyToken':
      return GET_VERIFY_TOKEN;
    case 'SubmitMaterials':
      return verifyStatusResponse('SubmitMaterials', 1);
    case 'SubmitVerification':
      return verifyStatusResponse('SubmitVerification', 1);
    case 'GetStatus':
      return getStatusResponse(1);
    case 'GetMaterials':
      return GET_MATERIALS;
    case 'CompareFaces':
      return compareFacesResponse();
    case 'DetectFaceAttributes':
      return DETECT_FACE_ATTRIBUTES;
    default:
      return undefined;
  }
}

export interface TestServerOptions {
  /** AccessKey ID → secret. */
  keys?: Record<string, string>;
  /** Server clock (ms) for the timestamp window. */
  now?: () => number;
  /** Echo "server string to sign is:" in SignatureDoesNotMatch, as the live gateway does. */
  echoStringToSign?: boolean;
}

export class CloudauthTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, Behaviour[]>();
  private readonly nonces = new Set<string>();
  private server!: Server;
  url = '';

  private constructor(private readonly options: Required<Omit<TestServerOptions, 'echoStringToSign'>> & { echoStringToSign: boolean }) {}

  static async start(options: TestServerOptions = {}): Promise<CloudauthTestServer> {
    const s = new CloudauthTestServer({ keys: options.keys ?? { testid: 'testsecret' }, now: options.now ?? Date.now, echoStringToSign: options.echoStringToSign ?? false });
    s.server = createServer((req, res) => {
      s.handle(req, res).catch((error: unknown) => {
        // A bug in this test server must fail the test loudly, not leave the client waiting.
        if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' }).end(`test server failed: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  /** Queue behaviours for an action; once used up the action answers its spec example. */
  script(action: string, ...behaviours: Behaviour[]): this {
    this.scripts.set(action, [...(this.scripts.get(action) ?? []), ...behaviours]);
    return this;
  }

  /** Requests for an action that passed the gateway checks. */
  accepted(action?: string): RecordedRequest[] {
    return this.requests.filter((r) => !r.gatewayError && (!action || r.action === action));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = parseFlat(url.search.slice(1));
    if (url.pathname === '/__popcore/') {
      // pop-core reference signer calling here: hand its Signature back.
      const signature = query.Signature ?? parseFlat(raw.toString('utf8')).Signature;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: '200', Signature: signature }));
      return;
    }
    const contentType = req.headers['content-type'];
    const body = contentType?.startsWith('application/x-www-form-urlencoded') ? parseFlat(raw.toString('utf8')) : {};
    const all = { ...query, ...body };
    const method = (req.method ?? 'GET').toUpperCase();
    const format = all.Format?.toUpperCase() === 'JSON' ? 'JSON' : 'XML'; // the guide: XML unless asked
    const record: RecordedRequest = {
      method,
      action: all.Action ?? '',
      query,
      body,
      contentType,
      bodyBytes: raw.length,
      nonce: all.SignatureNonce ?? '',
      timestamp: all.Timestamp ?? '',
      format,
      signatureOk: false,
    };
    this.requests.push(record);
    const fail = (status: number, code: string, message: string) => {
      record.gatewayError = code;
      this.send(res, status, errorResponse(code, message, `REQ-${this.requests.length}`), format);
    };

    for (const name of ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature']) {
      if (!all[name]) return fail(400, `Missing${name}`, `${name} is mandatory for this action.`);
    }
    const secret = this.options.keys[all.AccessKeyId!];
    if (secret === undefined) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(all.Timestamp!)) return fail(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    if (Math.abs(Date.parse(all.Timestamp!) - this.options.now()) > 15 * 60_000) return fail(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const expected = await referenceSignature(this.url, all, secret, method);
    record.signatureOk = expected === all.Signature;
    if (!record.signatureOk) {
      const echo = this.options.echoStringToSign ? ` server string to sign is:${popStyleStringToSign(method, all)}` : '';
      return fail(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation.${echo}`);
    }
    if (this.nonces.has(record.nonce)) return fail(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    this.nonces.add(record.nonce);

    const spec = SPEC_ACTIONS[record.action];
    if (!spec) return fail(400, 'UnsupportedOperation', 'The specified action is not supported.');
    if (!spec.methods.includes(method)) return fail(400, 'Test.MethodNotAllowed', `${record.action} does not accept ${method}.`);
    const matches = (rules: (string | RegExp)[], name: string) => rules.some((r) => (typeof r === 'string' ? r === name : r.test(name)));
    for (const name of Object.keys(query)) {
      if (COMMON.includes(name)) continue;
      if (!matches(spec.query, name)) return fail(400, 'Test.ParamMisplaced', `${name} must not be in the query of ${record.action}.`);
    }
    for (const name of Object.keys(body)) {
      if (COMMON.includes(name) && name !== 'RegionId') continue;
      if (!matches(spec.body, name)) return fail(400, 'Test.ParamMisplaced', `${name} must not be in the body of ${record.action}.`);
    }
    if (!query.RegionId) return fail(400, 'Test.ParamMisplaced', 'RegionId belongs in the query.');
    if (raw.length > 8 * 1024 * 1024) return fail(400, 'Test.BodyTooLarge', 'The body is over 8 MB.');

    await this.play(res, this.scripts.get(record.action)?.shift() ?? { reply: defaultReply(record.action)! }, format, record.action);
  }

  private async play(res: ServerResponse, behaviour: Behaviour, format: 'JSON' | 'XML', action: string): Promise<void> {
    if ('delayMs' in behaviour) {
      await new Promise((r) => setTimeout(r, behaviour.delayMs));
      if (res.destroyed) return;
      return this.play(res, behaviour.then, format, action);
    }
    if ('hang' in behaviour) return; // never answers; closeAllConnections ends it
    if ('reset' in behaviour) {
      res.socket?.destroy();
      return;
    }
    if ('raw' in behaviour) {
      res.writeHead(behaviour.raw.status, { 'content-type': behaviour.raw.contentType ?? 'text/plain' }).end(behaviour.raw.body);
      return;
    }
    if ('error' in behaviour) {
      this.send(res, behaviour.error.status, errorResponse(behaviour.error.code, behaviour.error.message, behaviour.error.requestId), format);
      return;
    }
    this.send(res, behaviour.status ?? 200, behaviour.reply, format);
  }

  private send(res: ServerResponse, status: number, response: SpecResponse, format: 'JSON' | 'XML'): void {
    res
      .writeHead(status, { 'content-type': format === 'JSON' ? 'application/json;charset=utf-8' : 'text/xml;charset=utf-8' })
      .end(format === 'JSON' ? response.json : response.xml);
  }
}

/**
 * Signature per @alicloud/pop-core for these exact params and method. pop-core signs whatever it is
 * given (our Timestamp, nonce, Format … override its defaults) and sends it to the /__popcore/
 * route above, which reads its Signature back from the URL (GET) or the form body (POST).
 */
async function referenceSignature(baseUrl: string, params: Flat, secret: string, method: string): Promise<string> {
  const { Action, Signature: _ignored, ...rest } = params;
  const client = new RPCClient({ endpoint: `${baseUrl}/__popcore`, apiVersion: rest.Version ?? '', accessKeyId: rest.AccessKeyId ?? '', accessKeySecret: secret });
  const answer = await client.request<{ Signature: string }>(Action ?? '', rest, {
    method: method === 'POST' ? 'POST' : 'GET',
    formatAction: false,
    formatParams: false,
  });
  return answer.Signature;
}
