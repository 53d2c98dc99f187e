import type { HttpMethod } from '../cloudauth';
import type { SecretBox } from './crypto';
import type { FacePool } from './face-pool';
import type { AddressPolicy } from './images/address-policy';
import type { Resolver } from './images/fetch-image';
import type { Repository } from './repository/types';
import type { Decision } from './business/schemes';

/** Where a submission came from (the console's records filter by it). */
export type SubmissionSource = 'kiosk' | 'h5' | 'api';

/** What other parts of the service (the console) add to a submission; both optional. */
export interface SubmissionHooks {
  /** May send a decided submission to manual review (a biz's review band). */
  review?(biz: string, decision: Decision): Promise<Decision>;
  /** Told after a submission committed; indexes it for the console. Must not throw. */
  submitted?(biz: string, ticketId: string, idNumber: string | undefined, source: SubmissionSource): Promise<void>;
  /** A caller asked to be called back (2019 DescribeVerifyToken); issue 15's callbacks connect here. */
  callbackRequested?(biz: string, ticketId: string, request: { url?: string; seed?: string; passedRedirectUrl?: string; failedRedirectUrl?: string }): void;
}

/** Settings of the running service that actions read. */
export interface ServiceSettings {
  /** Base URL callers and phones reach this service at (CloudauthPageUrl, GetMaterials links, STS endpoint). */
  publicUrl: string;
  /** HostId in error bodies. */
  hostId: string;
  /** Bucket name in StsToken and in oss://BUCKET:path references. */
  bucket: string;
  /** VerifyToken lifetime (DurationSeconds); the guide says usually 1800. */
  tokenSeconds: number;
  /** FAR whose threshold decides SubmitMaterials (a key of ConfidenceThresholds). */
  far: number;
  /** Lifetime of GetMaterials' image links; the guide says one hour. */
  materialUrlSeconds: number;
  imageFetchTimeoutMs: number;
  /** Days an enrolled reference is kept (server/references). */
  referenceRetentionDays?: number;
}

/** Everything an action needs; I/O (clock, randomness, DNS) injected. */
export interface ServiceContext {
  repo: Repository;
  biometrics: SecretBox;
  tokenKey: Buffer;
  urlKey: Buffer;
  face: FacePool;
  addresses: AddressPolicy;
  resolve?: Resolver;
  settings: ServiceSettings;
  now: () => Date;
  randomHex: (bytes: number) => string;
  /** Delivers queued ticket callbacks (server/callbacks); absent in tools that decide nothing. */
  callbacks?: { kick(): void };
  /** Masked, PII-free notes for the request log. */
  note: (fields: Record<string, unknown>) => void;
  hooks?: SubmissionHooks;
}

export interface RequestMeta {
  method: HttpMethod;
  version: string;
  requestId: string;
  /** Who submitted: our kiosk marks itself (x-renzheng-client: kiosk), the H5 page is 'h5', anything else 'api'. */
  source?: SubmissionSource;
}

/** An action refused the request with a spec code; detail is safe to send and to log. */
export class ActionError extends Error {
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

/** Where a stored object's sealed bytes belong (associated data: a sealed image cannot be moved to another key). */
export const objectAad = (key: string): string => `object:${key}`;
export const materialsAad = (biz: string, ticketId: string): string => `materials:${biz}\n${ticketId}`;
export const bindingAad = (tokenHash: string): string => `binding:${tokenHash}`;
