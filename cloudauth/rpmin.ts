import type { ActionData, Material } from './actions';
import type { CallOptions, CloudauthClient } from './client';
import { abortableSleep } from './client';
import { CloudauthAbortedError, CloudauthDeadlineError, CloudauthRejectedError } from './errors';

export type RpminClient = Pick<CloudauthClient, 'getVerifyToken' | 'submitMaterials' | 'getStatus' | 'getMaterials'>;

export interface RpminPollPolicy {
  /** Give up this long after submitting; default 60 s. */
  deadlineMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
}
export const DEFAULT_RPMIN_POLL: RpminPollPolicy = { deadlineMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 8_000 };

export interface RpminInput {
  biz: string;
  /** Unique per verification task; a new task needs a new TicketId. */
  ticketId: string;
  name: string;
  idNumber: string;
  /** Image values (base64://, http(s)://, oss://), already prepared to fit the limits. */
  facePic: string;
  /** The chip photo, sent as material type IDPic. */
  idPic?: string;
  extraMaterials?: Material[];
  userData?: Record<string, unknown>;
  fetchMaterials?: boolean;
  poll?: Partial<RpminPollPolicy>;
  signal?: AbortSignal;
  onStage?: (stage: 'submitting' | 'polling') => void;
}

export interface RpminResult {
  ticketId: string;
  verifyToken: string;
  /** 1 passed, 2 failed (the task may be resubmitted). */
  statusCode: 1 | 2;
  similarityScore?: number;
  auditConclusions?: string;
  /** How many GetStatus calls were needed (0 when SubmitMaterials answered with the verdict). */
  polls: number;
  requestIds: string[];
  materials?: ActionData<'GetMaterials'>;
}

export interface RpminDeps {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/**
 * The server-only RPMin scheme from the guide: GetVerifyToken → SubmitMaterials; if the review is
 * still running (status 0) poll GetStatus with backoff until 1/2 or the deadline; optionally GetMaterials.
 */
export async function runRpmin(client: RpminClient, input: RpminInput, deps: RpminDeps = {}): Promise<RpminResult> {
  const sleep = deps.sleep ?? abortableSleep;
  const now = deps.now ?? Date.now;
  const poll = { ...DEFAULT_RPMIN_POLL, ...input.poll };
  const call: CallOptions = { signal: input.signal };
  const requestIds: string[] = [];
  const note = (id: string | undefined) => {
    if (id) requestIds.push(id);
  };

  input.onStage?.('submitting');
  const token = await client.getVerifyToken({ Biz: input.biz, TicketId: input.ticketId, UserData: input.userData }, call);
  note(token.RequestId);
  const verifyToken = token.Data.VerifyToken.Token;

  const materials: Material[] = [
    { MaterialType: 'Name', Value: input.name },
    { MaterialType: 'IdentificationNumber', Value: input.idNumber },
    { MaterialType: 'FacePic', Value: input.facePic },
    ...(input.idPic ? [{ MaterialType: 'IDPic' as const, Value: input.idPic }] : []),
    ...(input.extraMaterials ?? []),
  ];
  let status: { StatusCode: -1 | 0 | 1 | 2; SimilarityScore?: number; AuditConclusions?: string };
  try {
    const submitted = await client.submitMaterials({ VerifyToken: verifyToken, Material: materials }, call);
    note(submitted.RequestId);
    status = submitted.Data.VerifyStatus;
  } catch (error) {
    // A retried submit whose first attempt did arrive is refused as a duplicate: the review exists, so poll it.
    if (!(error instanceof CloudauthRejectedError && error.code === 'Error.DuplicatedTicketId')) throw error;
    status = { StatusCode: 0 };
  }

  let polls = 0;
  const deadline = now() + poll.deadlineMs;
  let delay = poll.initialDelayMs;
  while (status.StatusCode === 0 || status.StatusCode === -1) {
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new CloudauthDeadlineError(`The RPMin review of ticket ${input.ticketId} was still running after ${poll.deadlineMs} ms.`, {
        code: 'ReviewDeadline',
        hint: 'The service may still decide; query GetStatus for this TicketId later, or raise the deadline.',
        retryable: false,
        ticketId: input.ticketId,
      });
    }
    input.onStage?.('polling');
    try {
      await sleep(Math.min(delay, remaining), input.signal);
    } catch (cause) {
      throw new CloudauthAbortedError('The RPMin review was cancelled while polling.', { code: 'Aborted', hint: 'The caller cancelled the request.', retryable: false, cause });
    }
    delay = Math.min(poll.maxDelayMs, delay * 2);
    const answered = await client.getStatus({ Biz: input.biz, TicketId: input.ticketId }, call);
    note(answered.RequestId);
    polls++;
    status = answered.Data;
  }

  const result: RpminResult = {
    ticketId: input.ticketId,
    verifyToken,
    statusCode: status.StatusCode,
    similarityScore: status.SimilarityScore,
    auditConclusions: status.AuditConclusions || undefined,
    polls,
    requestIds,
  };
  if (input.fetchMaterials) {
    const fetched = await client.getMaterials({ Biz: input.biz, TicketId: input.ticketId }, call);
    note(fetched.RequestId);
    result.materials = fetched.Data;
  }
  return result;
}
