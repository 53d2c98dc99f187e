/**
 * Everything the service keeps, behind one interface with two implementations (SQLite, PostgreSQL).
 * Values that are secret or personal arrive here already sealed (Buffer); the repository never
 * sees a clear AccessKey secret, name, ID number or image.
 */

export const SCHEMES = ['RPBasic', 'RPManual', 'RPBioID', 'RPBioOnlyPro', 'RPBioOnly', 'FVBioOnly', 'RPH5BioOnly', 'RPMin'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** -1 not submitted, 0 in review, 1 passed (final), 2 failed (may resubmit). */
export type TicketStatus = -1 | 0 | 1 | 2;

export interface AccessKeyRecord {
  id: string;
  sealedSecret: Buffer;
  active: boolean;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface BizRecord {
  name: string;
  scheme: Scheme;
  createdAt: Date;
}

export interface TicketRecord {
  biz: string;
  ticketId: string;
  status: TicketStatus;
  similarityScore: number | null;
  auditConclusions: string | null;
  /** Sealed JSON of the submitted materials (names, numbers, object keys of the images); null after purge. */
  sealedMaterials: Buffer | null;
  /** Bumped by every submission; a submission commits only if the version it read is still current. */
  version: number;
  createdAt: Date;
  submittedAt: Date | null;
}

export interface TokenRecord {
  /** Keyed hash of the VerifyToken (the token itself is never stored). */
  tokenHash: string;
  /** Keyed hash of the StsToken's Token, which unlocks uploads under `uploadPath`. */
  stsHash: string;
  uploadPath: string;
  biz: string;
  ticketId: string;
  /** Sealed Binding JSON given to GetVerifyToken, if any. */
  sealedBinding: Buffer | null;
  expiresAt: Date;
  createdAt: Date;
}

export interface StoredObject {
  key: string;
  /** Sealed image bytes. */
  sealed: Buffer;
  createdAt: Date;
}

export interface SubmissionCommit {
  biz: string;
  ticketId: string;
  /** The version read before deciding; the commit is refused if another submission got there first. */
  expectVersion: number;
  status: TicketStatus;
  similarityScore: number | null;
  auditConclusions: string | null;
  sealedMaterials: Buffer;
  objects: StoredObject[];
  now: Date;
}

/**
 * A sealed document of a kind added after the first schema (references, H5 sessions, callbacks):
 * one table, so new features need no new repository methods. `id` is never personal data in
 * clear (references use a keyed hash of the ID number); `expiresAt` is when purge deletes it.
 */
export interface SealedRecord {
  kind: string;
  id: string;
  sealed: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
}

/** Object keys under this prefix are references, kept by their own retention, not the materials'. */
export const REFERENCE_OBJECT_PREFIX = 'ref/';

export interface PurgeResult {
  objects: number;
  materials: number;
  nonces: number;
  tokens: number;
  /** Expired records (server/references, h5, callbacks), references excepted: their store purges them with their photos. */
  records: number;
}

export interface Repository {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates the tables if missing; safe to run from several processes at once. */
  migrate(): Promise<void>;

  createAccessKey(record: AccessKeyRecord): Promise<void>;
  getAccessKey(id: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(): Promise<AccessKeyRecord[]>;
  /** False when no such key exists. */
  revokeAccessKey(id: string, at: Date): Promise<boolean>;

  /** False when a biz of that name exists already. */
  createBiz(record: BizRecord): Promise<boolean>;
  getBiz(name: string): Promise<BizRecord | undefined>;
  listBiz(): Promise<BizRecord[]>;

  /** Records a nonce; false when this key used it before and it has not expired (a replay). Atomic across processes. */
  useNonce(accessKeyId: string, nonce: string, expiresAt: Date): Promise<boolean>;

  /** Stores a token and creates its ticket (status -1) if the ticket is new. */
  issueToken(token: TokenRecord): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  getTokenByStsHash(stsHash: string): Promise<TokenRecord | undefined>;

  /** Creates the ticket (status -1) if it does not exist; returns it either way. */
  ensureTicket(biz: string, ticketId: string, now: Date): Promise<TicketRecord>;
  getTicket(biz: string, ticketId: string): Promise<TicketRecord | undefined>;
  /** The ticket update and its images in one transaction: all of it or none of it. */
  commitSubmission(commit: SubmissionCommit): Promise<'committed' | 'conflict'>;

  putObject(object: StoredObject): Promise<void>;
  getObject(key: string): Promise<StoredObject | undefined>;

  /** Inserts or replaces the record (kind, id). */
  putRecord(record: SealedRecord): Promise<void>;
  getRecord(kind: string, id: string): Promise<SealedRecord | undefined>;
  listRecords(kind: string): Promise<SealedRecord[]>;
  /** Deletes the record and the named objects in one transaction; false when the record did not exist. */
  deleteRecord(kind: string, id: string, objectKeys?: readonly string[]): Promise<boolean>;
  /** Expired records of a kind (for purges that must also delete the objects they name). */
  expiredRecords(kind: string, now: Date): Promise<SealedRecord[]>;

  /** Deletes images and materials stored before `biometricsBefore`, spent nonces and long-expired tokens. */
  purge(options: { biometricsBefore: Date; now: Date }): Promise<PurgeResult>;
  close(): Promise<void>;
}

/** A pause inside the submission transaction, wired only by the crash tests (RENZHENG_SERVER_TEST_FAULTS). */
export interface RepositoryFaults {
  /** Pause this long after the images are written and before the ticket is updated. */
  pauseInsideCommitMs?: number;
  /** Called when the pause starts (the test kills the process then). */
  onPause?: () => void;
}
