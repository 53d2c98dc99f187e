import { randomUUID } from 'node:crypto';
import {
  CloudauthAbortedError,
  CloudauthClient,
  CloudauthError,
  CloudauthImageError,
  insecureEndpointProblem,
  parseConfidenceThresholds,
  prepareImages,
  runRpmin,
  thresholdAtFar,
  type ApiVersion,
  type CloudauthClientOptions,
  type RpminPollPolicy,
} from '../../../cloudauth';
import { reasonForCode, type VerifyInput, type VerifyOutcome, type VerifyProvider } from './provider';

export interface CloudauthProviderOptions {
  endpoint: string;
  region: string;
  apiVersion: ApiVersion;
  /** compare: one CompareFaces call; rpmin: GetVerifyToken → SubmitMaterials → GetStatus (needs biz, 2018-09-16). */
  mode: 'compare' | 'rpmin';
  accessKeyId?: string;
  accessKeySecret?: string;
  /** The RPMin scene created in the console. */
  biz?: string;
  /** False-accept rate whose threshold decides (must be a key of ConfidenceThresholds: 0.0001, 0.001, 0.01). */
  far: number;
  timeoutMs?: number;
  /** See CloudauthClientOptions.allowInsecureHttp. */
  allowInsecureHttp?: boolean;
  rpminPoll?: Partial<RpminPollPolicy>;
  /** Test seams; production leaves them unset. */
  transport?: CloudauthClientOptions['transport'];
  retry?: CloudauthClientOptions['retry'];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  ticketId?: () => string;
}

/** What is missing from the configuration, or undefined when the provider can run. */
function misconfiguration(opts: CloudauthProviderOptions): string | undefined {
  if (!/^https?:\/\/[^/]/.test(opts.endpoint)) return `cloudauth endpoint "${opts.endpoint}" is not an http(s) URL`;
  const insecure = insecureEndpointProblem(opts.endpoint, opts.allowInsecureHttp ?? false);
  if (insecure) return `${insecure} Use https://, or set verify.cloudauth.allowInsecureHttp for a test service.`;
  if (!opts.accessKeyId || !opts.accessKeySecret) return 'cloudauth AccessKey ID or secret is not configured';
  if (opts.mode === 'rpmin' && !opts.biz) return 'cloudauth RPMin needs a Biz scene (settings verify.cloudauth.biz)';
  if (opts.mode === 'rpmin' && opts.apiVersion !== '2018-09-16') return `RPMin actions do not exist in API version ${opts.apiVersion}; use 2018-09-16`;
  return undefined;
}

function errorOutcome(error: unknown): VerifyOutcome {
  if (error instanceof CloudauthError) {
    const reason = error instanceof CloudauthAbortedError ? 'cancelled' : error instanceof CloudauthImageError ? 'image-invalid' : reasonForCode(error.code);
    return { kind: 'error', reason, providerCode: error.code, message: `${error.message} ${error.hint}` };
  }
  return { kind: 'error', reason: 'provider-failed', providerCode: null, message: error instanceof Error ? error.message : String(error) };
}

/**
 * The cloudauth VerifyProvider. The AccessKey secret stays inside this closure (main process only);
 * outcomes carry codes, scores and messages, never parameters.
 */
export function createCloudauthProvider(opts: CloudauthProviderOptions): VerifyProvider {
  const problem = misconfiguration(opts);
  const client = problem
    ? undefined
    : new CloudauthClient({
        endpoint: opts.endpoint,
        region: opts.region,
        apiVersion: opts.apiVersion,
        accessKeyId: opts.accessKeyId ?? '',
        accessKeySecret: opts.accessKeySecret ?? '',
        timeoutMs: opts.timeoutMs,
        allowInsecureHttp: opts.allowInsecureHttp,
        transport: opts.transport,
        retry: opts.retry,
        sleep: opts.sleep,
        // Our own service lists the kiosk's verifications under source "kiosk" in its console.
        clientTag: 'kiosk',
      });
  const newTicketId = opts.ticketId ?? randomUUID;

  async function compare(c: CloudauthClient, input: VerifyInput): Promise<VerifyOutcome> {
    input.onStage?.('preparing');
    const [live, chip] = await prepareImages([input.live, input.reference.bytes]);
    input.onStage?.('comparing');
    const answer = await c.compareFaces(
      { SourceImageType: 'FacePic', SourceImageValue: live!.value, TargetImageType: 'IDPic', TargetImageValue: chip!.value },
      { signal: input.signal },
    );
    const thresholds = parseConfidenceThresholds(answer.Data.ConfidenceThresholds);
    const threshold = thresholdAtFar(thresholds, opts.far);
    if (threshold === undefined) {
      return {
        kind: 'error',
        reason: 'threshold-unavailable',
        providerCode: null,
        message: `The service gave thresholds for FAR ${thresholds.map((t) => t.far).join(', ')} but not for the configured ${opts.far}. Choose one of those in settings.`,
      };
    }
    const score = answer.Data.SimilarityScore;
    return { kind: 'compared', score, threshold, far: opts.far };
  }

  async function rpmin(c: CloudauthClient, input: VerifyInput): Promise<VerifyOutcome> {
    input.onStage?.('preparing');
    const [live, chip] = await prepareImages([input.live, input.reference.bytes], { reservedBodyBytes: 4096 });
    const result = await runRpmin(
      c,
      {
        biz: opts.biz ?? '',
        ticketId: newTicketId(),
        name: input.identity.name,
        idNumber: input.identity.idNumber,
        facePic: live!.value,
        idPic: chip!.value,
        // Sent only when the person agreed; our service records it and may then enroll the chip photo.
        userData: input.enrollConsent ? { RenzhengEnrollConsent: { consented: true, ...input.enrollConsent } } : undefined,
        poll: opts.rpminPoll,
        signal: input.signal,
        onStage: input.onStage,
      },
      { sleep: opts.sleep },
    );
    // RPMin decides on the service side under its own policy: no threshold or FAR is published,
    // and the score is optional.
    return { kind: 'decided', pass: result.statusCode === 1, score: result.similarityScore ?? null };
  }

  return {
    name: 'cloudauth',
    status() {
      if (problem) return { ready: false, detail: problem };
      return { ready: true, detail: `cloudauth ${opts.mode === 'compare' ? 'CompareFaces' : 'RPMin'} ${opts.apiVersion} at ${new URL(opts.endpoint).host}` };
    },
    async verify(input) {
      if (!client) return { kind: 'error', reason: 'provider-unavailable', providerCode: null, message: problem ?? 'cloudauth is not configured' };
      try {
        return opts.mode === 'compare' ? await compare(client, input) : await rpmin(client, input);
      } catch (error) {
        return errorOutcome(error);
      }
    },
  };
}
