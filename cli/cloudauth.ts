import {
  ACTIONS,
  API_VERSIONS,
  COMMON_PARAM_NAMES,
  CloudauthClient,
  CloudauthError,
  isActionName,
  prepareImages,
  unflattenParams,
  type ApiVersion,
  type ResponseFormat,
} from '../cloudauth';
import { parseCommandArgs, usageError, printError, printJson, type CliCommand, type CliIo } from './io';

export const DEFAULT_ENDPOINT = 'https://cloudauth.aliyuncs.com';

/** Options both cloudauth commands share (credentials may also come from Alibaba's own variables). */
export const connectionOptions = {
  endpoint: { type: 'string' },
  'key-id': { type: 'string' },
  'key-secret': { type: 'string' },
  region: { type: 'string' },
  'api-version': { type: 'string' },
  format: { type: 'string' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ConnectionValues {
  endpoint?: string;
  'key-id'?: string;
  'key-secret'?: string;
  region?: string;
  'api-version'?: string;
  format?: string;
  'timeout-ms'?: string;
}

export class UsageError extends Error {}

/** Builds the client from flags and environment; throws UsageError for bad flags. */
export function clientFromOptions(values: ConnectionValues, io: CliIo): CloudauthClient {
  const accessKeyId = values['key-id'] ?? io.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = values['key-secret'] ?? io.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) {
    throw new UsageError('an AccessKey is required: --key-id and --key-secret, or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
  }
  const apiVersion = values['api-version'];
  if (apiVersion !== undefined && !(API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new UsageError(`--api-version must be ${API_VERSIONS.join(' or ')}`);
  }
  const format = values.format?.toUpperCase();
  if (format !== undefined && format !== 'JSON' && format !== 'XML') throw new UsageError('--format must be JSON or XML');
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError('--timeout-ms must be a positive integer');
  const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
  if (!/^https?:\/\//.test(endpoint)) throw new UsageError('--endpoint must be an http(s) URL');
  return new CloudauthClient({
    endpoint,
    accessKeyId,
    accessKeySecret,
    region: values.region,
    apiVersion: apiVersion as ApiVersion | undefined,
    format: format as ResponseFormat | undefined,
    timeoutMs,
  });
}

/** Prints a typed error as {"error":{code,message,…}}; never includes parameters or secrets. */
export function printCloudauthError(io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr(`renzheng: ${error.message}\n`);
    return 2;
  }
  if (error instanceof CloudauthError) {
    const { code, message, ...rest } = error.toJSON();
    printError(io, code, message, rest);
    return 1;
  }
  printError(io, 'InternalError', error instanceof Error ? error.message : String(error));
  return 1;
}

const USAGE = `usage: renzheng cloudauth ACTION [--endpoint URL] --key-id ID --key-secret SECRET
         [--format JSON|XML] [--region cn-hangzhou] [--api-version 2018-09-16|2019-03-07] [--timeout-ms N]
         [Name=Value …]   (RegionId=, Format= and Version= are read as --region, --format, --api-version)
ACTION: ${Object.keys(ACTIONS).join(', ')}
A value written @FILE (or a data: URL) is read as an image, downscaled to fit, and sent as base64://.
Credentials default to ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET.
`;

export const run: CliCommand = async (args, io) => {
  const parsed = parseCommandArgs(io, 'cloudauth', USAGE, { args, options: connectionOptions, allowPositionals: true, strict: true });
  if (typeof parsed === 'number') return parsed;
  const [action, ...pairs] = parsed.positionals;
  if (!action || !isActionName(action)) {
    return usageError(io, 'cloudauth', `${action ? `unknown action '${action}'` : 'missing ACTION'}`, USAGE);
  }
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      return usageError(io, 'cloudauth', `expected Name=Value, got '${pair}'`, USAGE);
    }
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  // The guide's examples write common parameters beside the action's own (RegionId=cn-hangzhou,
  // Format=JSON, Version=…): read those as the matching options; the signer owns the rest.
  const fromParams: ConnectionValues = {};
  for (const [name, option] of [['RegionId', 'region'], ['Format', 'format'], ['Version', 'api-version']] as const) {
    if (params[name] === undefined) continue;
    fromParams[option] = params[name];
    delete params[name];
  }
  const owned = Object.keys(params).filter((n) => COMMON_PARAM_NAMES.has(n));
  if (owned.length) {
    io.stderr(`renzheng cloudauth: ${owned.join(', ')} ${owned.length > 1 ? 'are' : 'is'} set by the client when it signs; leave ${owned.length > 1 ? 'them' : 'it'} out\n${USAGE}`);
    return 2;
  }
  try {
    const client = clientFromOptions({ ...fromParams, ...parsed.values }, io);
    // Images given as @FILE or data: URL share one body, so they are fitted together.
    const imageNames = Object.keys(params).filter((n) => params[n]!.startsWith('@') || params[n]!.startsWith('data:'));
    const prepared = await prepareImages(imageNames.map((n) => (params[n]!.startsWith('@') ? params[n]!.slice(1) : params[n]!)));
    imageNames.forEach((n, i) => (params[n] = prepared[i]!.value));
    const result = await client.call(action, unflattenParams(params) as never);
    printJson(io, result);
    return 0;
  } catch (error) {
    return printCloudauthError(io, error);
  }
};
