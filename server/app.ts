import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import {
  contentTypeFor,
  encodeSuccessBody,
  errorResponse,
  MAX_BODY_BYTES,
  MAX_IMAGE_BYTES,
  parseActionParams,
  parseForm,
  responseFormatOf,
  successResponse,
  type ActionName,
  type EncodedResponse,
  type FlatParams,
  type HttpMethod,
  type ResponseFormat,
} from '../cloudauth';
import { compareFaces, detectFaceAttributes } from './actions/faces';
import { encodeFaceVerify, executeFaceVerify, FACE_VERIFY_ACTION, faceVerifyApiExists } from './face-verify/execute-request';
import { handles2019, run2019 } from './actions-2019/actions';
import { submitMaterials, submitVerification } from './actions/submit';
import { getMaterials, getStatus, getVerifyToken } from './actions/tickets';
import type { Gateway } from './auth';
import { ActionError, objectAad, type RequestMeta, type ServiceContext } from './context';
import { hashToken, verifyUrlPath } from './crypto';
import { registerH5Routes, type H5Options } from './h5/routes';
import { stsObjectKey } from './images/resolve-image';

type Handler = (ctx: ServiceContext, request: never, meta: RequestMeta) => Promise<Record<string, unknown>>;

const HANDLERS: Record<ActionName, Handler> = {
  GetVerifyToken: getVerifyToken as Handler,
  SubmitMaterials: submitMaterials as Handler,
  GetStatus: getStatus as Handler,
  GetMaterials: getMaterials as Handler,
  CompareFaces: compareFaces as Handler,
  DetectFaceAttributes: detectFaceAttributes as Handler,
  SubmitVerification: submitVerification as Handler,
};

/** Methods the guide allows per action ("仅支持以HTTPS POST方法发送请求" for the image-carrying ones). */
const POST_ONLY: ReadonlySet<ActionName> = new Set(['SubmitMaterials', 'CompareFaces', 'DetectFaceAttributes', 'SubmitVerification']);

/** A spec code from a parsed-parameter fault; oversize base64 images are an upload error in the Submit actions. */
function paramFaultCode(action: ActionName, code: string): string {
  if (code !== 'ImageTooLarge') return code;
  return action === 'SubmitMaterials' || action === 'SubmitVerification' ? 'Error.MaterialsUploadError' : 'InvalidParam.ImageNotAcceptable';
}

export interface AppOptions {
  /** Builds a per-request context (the note function writes to that request's log line). */
  context: (note: (fields: Record<string, unknown>) => void) => ServiceContext;
  gateway: Gateway;
  logger: Logger;
  /** HostId in error bodies (known once the server listens). */
  hostId: () => string;
  /** The H5 page: where its build is and the capture policy it runs. */
  h5?: H5Options;
  /** More routes on the same server (the console at /console/). */
  extend?: (app: FastifyInstance) => void;
}

/** Our kiosk marks its requests; the H5 page's submissions are marked by the page's own route. */
function sourceOf(headers: Record<string, unknown>): 'kiosk' | 'api' {
  return headers['x-renzheng-client'] === 'kiosk' ? 'kiosk' : 'api';
}

/** The query's parameters; undefined when it is not valid percent-encoding. */
function queryOf(url: string): FlatParams | undefined {
  const q = url.indexOf('?');
  try {
    return q < 0 ? {} : parseForm(url.slice(q + 1));
  } catch {
    return undefined;
  }
}

/** The parsed form body, or nothing when the body was not a form (or was not read). */
function formOf(body: unknown): FlatParams {
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as FlatParams) : {};
}

function send(reply: FastifyReply, response: EncodedResponse): FastifyReply {
  return reply.code(response.status).header('content-type', response.contentType).send(response.body);
}

function sniffImageType(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'image/bmp';
  return 'application/octet-stream';
}

/**
 * The HTTP face of the service: `/` speaks the cloudauth RPC protocol (GET or POST, signed),
 * `/materials/…` serves GetMaterials' time-limited links, `/oss/BUCKET/PATH` takes STS uploads,
 * `/h5/verify` is the page a CloudauthPageUrl opens, `/health` is for the supervisor.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    // No logger handed to fastify: its request lines would log URLs, whose query holds parameters,
    // and a child logger per request costs more than the one line we write in onResponse.
    logger: false,
    // Request ids in the guide's shape; they go back as RequestId and into every log line.
    genReqId: () => randomUUID().toUpperCase(),
    bodyLimit: MAX_BODY_BYTES,
    // A caller trickling a body must not hold a connection forever; 8 MB at a slow 1 Mbit/s fits in 2 minutes.
    requestTimeout: 120_000,
    trustProxy: false,
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch {
      const error = new Error('The form body is not valid percent-encoding.') as Error & { statusCode: number; code: string };
      error.statusCode = 400;
      error.code = 'RENZHENG_BAD_FORM';
      done(error, undefined);
    }
  });
  // Uploads (PUT) and anything else arrive as bytes; `/` ignores a body that is not a form.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => done(null, body));

  const notes = new WeakMap<object, Record<string, unknown>>();
  const log = options.logger;

  app.addHook('onResponse', async (request, reply) => {
    log.info(
      { reqId: request.id, method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime), ...notes.get(request) },
      'request',
    );
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    // When the body (which may hold Format) was not read: pop-core sends Format=JSON in the body and
    // marks itself with x-sdk-client; answering it in XML would reach its caller as a JSON SyntaxError.
    const params: FlatParams = { ...(queryOf(request.url) ?? {}), ...formOf(request.body) };
    const format = params.Format === undefined && request.headers['x-sdk-client'] ? 'JSON' : responseFormatOf(params);
    const context = { requestId: request.id, hostId: options.hostId(), format };
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, errorResponse('RequestBodyTooLarge', context));
    if (error.code === 'RENZHENG_BAD_FORM') return send(reply, errorResponse('MissingParameter', { ...context, detail: error.message }));
    log.error({ reqId: request.id, err: { name: error.name, code: error.code } }, 'unhandled error');
    return send(reply, errorResponse('Error.InternalError', context));
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/',
    handler: async (request, reply) => {
      const method = request.method as HttpMethod;
      const body = formOf(request.body);
      const note: Record<string, unknown> = {};
      notes.set(request, note);
      const fail = (code: string, format: ResponseFormat, action?: string, detail?: string) => {
        note.code = code;
        return send(reply, errorResponse(code, { requestId: request.id, hostId: options.hostId(), format, action, detail }));
      };
      const query = queryOf(request.url);
      if (!query) return fail('MissingParameter', responseFormatOf(body), undefined, 'The query string is not valid percent-encoding.');
      // The signed set is query ∪ form body (what pop-core and the Java SDK sign).
      const params: FlatParams = { ...query, ...body };

      // 眼纹版 face_verify (guide 4.2) has its own Version and answer shape: server/face-verify.
      if (params.Action === FACE_VERIFY_ACTION) {
        const fv = await options.gateway.authenticate(params, method, faceVerifyApiExists);
        note.accessKeyId = fv.accessKeyId;
        note.action = FACE_VERIFY_ACTION;
        if (!fv.ok) return fail(fv.code, fv.format, undefined, fv.detail);
        const result = await executeFaceVerify(options.context((fields) => Object.assign(note, fields)), params, { requestId: request.id, accessKeyId: fv.accessKeyId });
        note.code = String(result.body.Code);
        return send(reply, encodeFaceVerify(result, fv.format));
      }

      const auth = await options.gateway.authenticate(params, method);
      note.accessKeyId = auth.accessKeyId;
      if (!auth.ok) return fail(auth.code, auth.format, undefined, auth.detail);
      const { action, format } = auth;
      note.action = action;
      if (handles2019(action, auth.version)) {
        const ctx = options.context((fields) => Object.assign(note, fields));
        try {
          const data = await run2019(ctx, action, params, { method, version: auth.version, requestId: request.id, source: sourceOf(request.headers) });
          note.code = '200';
          return send(reply, { status: 200, contentType: contentTypeFor(format), body: encodeSuccessBody(action, { RequestId: request.id, ...data }, format) });
        } catch (error) {
          if (error instanceof ActionError) return fail(error.code, format, action, error.detail);
          log.error({ reqId: request.id, action, err: { name: (error as Error)?.name } }, 'action failed');
          return fail('Error.InternalError', format, action);
        }
      }
      if (POST_ONLY.has(action) && method !== 'POST') return fail('InvalidApi.NotFound', format, action, `${action} accepts POST only.`);

      const parsed = parseActionParams(action, params);
      if (!parsed.ok) return fail(paramFaultCode(action, parsed.code), format, action, parsed.detail);

      const ctx = options.context((fields) => Object.assign(note, fields));
      try {
        const data = await HANDLERS[action](ctx, parsed.value as never, { method, version: auth.version, requestId: request.id, source: sourceOf(request.headers) });
        note.code = '1';
        return send(reply, successResponse(action, data, request.id, format));
      } catch (error) {
        if (error instanceof ActionError) return fail(error.code, format, action, error.detail);
        log.error({ reqId: request.id, action, err: { name: (error as Error)?.name, message: (error as Error)?.message } }, 'action failed');
        const internal = action === 'SubmitMaterials' || action === 'SubmitVerification' ? 'Error.SubmitMaterialsError' : action === 'CompareFaces' ? 'Error.CompareFacesError' : action === 'GetMaterials' ? 'Error.GetMaterialsError' : 'Error.InternalError';
        return fail(internal, format, action);
      }
    },
  });

  app.get('/health', async (_request, reply) => {
    const ctx = options.context(() => undefined);
    await ctx.repo.getBiz('');
    return reply.send({ status: 'ok', storage: ctx.repo.kind, face: ctx.face.stats });
  });

  app.get<{ Params: { '*': string }; Querystring: { Expires?: string; Signature?: string } }>('/materials/*', async (request, reply) => {
    const ctx = options.context(() => undefined);
    const key = request.params['*'];
    const expires = Number(request.query.Expires);
    const signature = request.query.Signature ?? '';
    const valid = Number.isInteger(expires) && expires * 1000 > ctx.now().getTime() && verifyUrlPath(ctx.urlKey, `/materials/${key}`, expires, signature);
    if (!valid) return reply.code(403).type('text/plain').send('This link is not valid or has expired; call GetMaterials again for a fresh one.\n');
    const stored = await ctx.repo.getObject(key);
    if (!stored) return reply.code(404).type('text/plain').send('This image was purged after the retention period.\n');
    const bytes = ctx.biometrics.open(stored.sealed, objectAad(key));
    return reply.code(200).header('content-type', sniffImageType(bytes)).header('cache-control', 'private, no-store').send(bytes);
  });

  app.put<{ Params: { bucket: string; '*': string } }>('/oss/:bucket/*', { bodyLimit: MAX_IMAGE_BYTES }, async (request, reply) => {
    const ctx = options.context(() => undefined);
    const sts = request.headers['x-oss-security-token'];
    const path = request.params['*'];
    const token = typeof sts === 'string' ? await ctx.repo.getTokenByStsHash(hashToken(ctx.tokenKey, sts)) : undefined;
    const allowed =
      token && token.expiresAt.getTime() > ctx.now().getTime() && request.params.bucket === ctx.settings.bucket && path.startsWith(token.uploadPath) && path.length > token.uploadPath.length && !path.includes('..');
    if (!allowed) return reply.code(403).type('text/plain').send('The STS token is missing, expired, or not valid for this bucket and path.\n');
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (bytes.length === 0) return reply.code(400).type('text/plain').send('The upload is empty.\n');
    const key = stsObjectKey(path);
    await ctx.repo.putObject({ key, sealed: ctx.biometrics.seal(bytes, objectAad(key)), createdAt: ctx.now() });
    return reply.code(200).send({ oss: `oss://${ctx.settings.bucket}:${path}` });
  });

  registerH5Routes(app, options.context, options.h5);

  options.extend?.(app);
  return app;
}
