import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PostgresRepository } from '../../server/repository/postgres';
import { SqliteRepository } from '../../server/repository/sqlite';
import type { Repository, SubmissionCommit, TokenRecord } from '../../server/repository/types';
import { startPostgres, type PostgresHandle } from './support/postgres';

// Started while the file is collected, so the PostgreSQL suite can be skipped with its reason.
const pgHandle: PostgresHandle = await startPostgres();
if (!pgHandle.ok) console.warn(`PostgreSQL repository tests skipped: ${pgHandle.reason}`);
const dirs: string[] = [];

afterAll(async () => {
  if (pgHandle.ok) await pgHandle.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Store {
  open(): Promise<Repository>;
}

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'renzheng-repo-'));
  dirs.push(dir);
  return { open: async () => new SqliteRepository(join(dir, 'db.sqlite')) };
}

async function postgresStore(): Promise<Store> {
  if (!pgHandle.ok) throw new Error(pgHandle.reason);
  const url = await pgHandle.newDatabase();
  return { open: async () => new PostgresRepository(url) };
}

const token = (n: number, ticketId = `ticket-${n}`): TokenRecord => ({
  tokenHash: `th-${n}`,
  stsHash: `sh-${n}`,
  uploadPath: `p${n}/`,
  biz: 'biz',
  ticketId,
  sealedBinding: null,
  expiresAt: new Date(Date.now() + 60_000),
  createdAt: new Date(),
});

const commit = (ticketId: string, expectVersion: number, status: 1 | 2 = 1, key = `k-${ticketId}-${expectVersion}`): SubmissionCommit => ({
  biz: 'biz',
  ticketId,
  expectVersion,
  status,
  similarityScore: 91.5,
  auditConclusions: status === 1 ? '' : 'no',
  sealedMaterials: Buffer.from('sealed-materials'),
  objects: [{ key, sealed: Buffer.from([1, 2, 3]), createdAt: new Date() }],
  now: new Date(),
});

describe.each([
  ['SQLite', sqliteStore, false],
  ['PostgreSQL', postgresStore, !pgHandle.ok],
] as const)('the %s repository', (_name, make, skip) => {
  let store: Store;
  let repo: Repository;
  beforeAll(async () => {
    if (skip) return;
    store = await make();
    repo = await store.open();
    await repo.migrate();
    await repo.migrate(); // twice: migrations are idempotent
  });
  afterAll(async () => {
    await repo?.close();
  });
  // Vitest's `it.skipIf` keeps the suite's tests listed as skipped, with the reason printed above.
  const it = skip ? test.skip : test;

  it('keeps AccessKeys and revokes them', async () => {
    await repo.createAccessKey({ id: 'LTAIa', sealedSecret: Buffer.from('s'), active: true, createdAt: new Date(1000), revokedAt: null });
    expect(await repo.getAccessKey('LTAIa')).toMatchObject({ active: true, sealedSecret: Buffer.from('s') });
    expect(await repo.revokeAccessKey('LTAIa', new Date(2000))).toBe(true);
    expect(await repo.getAccessKey('LTAIa')).toMatchObject({ active: false, revokedAt: new Date(2000) });
    expect(await repo.revokeAccessKey('nobody', new Date())).toBe(false);
    expect((await repo.listAccessKeys()).map((k) => k.id)).toEqual(['LTAIa']);
  });

  it('creates a biz once', async () => {
    expect(await repo.createBiz({ name: 'biz', scheme: 'RPMin', createdAt: new Date() })).toBe(true);
    expect(await repo.createBiz({ name: 'biz', scheme: 'RPBasic', createdAt: new Date() })).toBe(false);
    expect(await repo.getBiz('biz')).toMatchObject({ scheme: 'RPMin' });
  });

  it('accepts a nonce once per key until it expires, also when raced', async () => {
    const later = new Date(Date.now() + 60_000);
    const raced = await Promise.all(Array.from({ length: 8 }, () => repo.useNonce('LTAIa', 'n1', later)));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await repo.useNonce('LTAIb', 'n1', later)).toBe(true);
    expect(await repo.useNonce('LTAIa', 'old', new Date(Date.now() - 1000))).toBe(true);
    expect(await repo.useNonce('LTAIa', 'old', later)).toBe(true);
  });

  it('lets one of two connections to the same database (two processes) win a nonce', async () => {
    const other = await store.open();
    try {
      const later = new Date(Date.now() + 60_000);
      const raced = await Promise.all([repo, other, repo, other].map((r) => r.useNonce('LTAIa', 'two-processes', later)));
      expect(raced.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('creates the ticket with its first token, at status -1', async () => {
    await repo.issueToken(token(1));
    await repo.issueToken({ ...token(2, 'ticket-1') });
    expect(await repo.getTicket('biz', 'ticket-1')).toMatchObject({ status: -1, version: 0, sealedMaterials: null });
    expect(await repo.getTokenByHash('th-2')).toMatchObject({ ticketId: 'ticket-1', uploadPath: 'p2/' });
    expect(await repo.getTokenByStsHash('sh-1')).toMatchObject({ tokenHash: 'th-1' });
  });

  it('commits a submission with its images, and refuses a stale or final one without writing images', async () => {
    expect(await repo.commitSubmission(commit('ticket-1', 0, 2))).toBe('committed');
    expect(await repo.getTicket('biz', 'ticket-1')).toMatchObject({ status: 2, version: 1, similarityScore: 91.5 });
    expect(await repo.getObject('k-ticket-1-0')).toMatchObject({ sealed: Buffer.from([1, 2, 3]) });
    expect(await repo.commitSubmission(commit('ticket-1', 0, 1, 'stale'))).toBe('conflict');
    expect(await repo.getObject('stale')).toBeUndefined();
    expect(await repo.commitSubmission(commit('ticket-1', 1, 1))).toBe('committed');
    expect(await repo.commitSubmission(commit('ticket-1', 2, 1, 'after-pass'))).toBe('conflict');
    expect(await repo.getObject('after-pass')).toBeUndefined();
  });

  it('lets exactly one of several simultaneous submissions of a ticket commit', async () => {
    const t = await repo.ensureTicket('biz', 'race', new Date());
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => repo.commitSubmission(commit('race', t.version, 1, `race-${i}`))));
    expect(outcomes.filter((o) => o === 'committed')).toHaveLength(1);
  });

  it('keeps sealed records by kind and id, and deletes one together with the objects it names', async () => {
    const at = new Date();
    await repo.putRecord({ kind: 'reference', id: 'r1', sealed: Buffer.from('a'), createdAt: at, expiresAt: new Date(at.getTime() + 60_000) });
    await repo.putRecord({ kind: 'reference', id: 'r1', sealed: Buffer.from('b'), createdAt: at, expiresAt: new Date(at.getTime() + 60_000) });
    await repo.putRecord({ kind: 'h5-challenge', id: 'c1', sealed: Buffer.from('c'), createdAt: at, expiresAt: new Date(at.getTime() - 1) });
    await repo.putObject({ key: 'ref/photo-1', sealed: Buffer.from([9]), createdAt: new Date(0) });
    expect((await repo.getRecord('reference', 'r1'))?.sealed).toEqual(Buffer.from('b'));
    expect((await repo.listRecords('reference')).map((r) => r.id)).toEqual(['r1']);
    expect((await repo.expiredRecords('h5-challenge', at)).map((r) => r.id)).toEqual(['c1']);
    // Materials retention never takes a reference's photo: references have their own.
    await repo.purge({ biometricsBefore: new Date(1000), now: at });
    expect(await repo.getObject('ref/photo-1')).toBeDefined();
    expect(await repo.getRecord('h5-challenge', 'c1')).toBeUndefined();
    expect(await repo.deleteRecord('reference', 'r1', ['ref/photo-1'])).toBe(true);
    expect(await repo.getObject('ref/photo-1')).toBeUndefined();
    expect(await repo.deleteRecord('reference', 'r1')).toBe(false);
  });

  it('purges images and materials past retention, spent nonces and long-expired tokens', async () => {
    const purged = await repo.purge({ biometricsBefore: new Date(Date.now() + 1000), now: new Date(Date.now() + 2 * 86_400_000) });
    expect(purged.objects).toBeGreaterThanOrEqual(2);
    expect(purged.materials).toBeGreaterThanOrEqual(1);
    expect(purged.nonces).toBeGreaterThanOrEqual(2);
    expect(purged.tokens).toBe(2);
    expect((await repo.getTicket('biz', 'ticket-1'))?.sealedMaterials).toBeNull();
    expect((await repo.getTicket('biz', 'ticket-1'))?.status).toBe(1);
  });

  it('keeps everything across a reopen', async () => {
    expect(await repo.useNonce('LTAIc', 'n2', new Date(Date.now() + 60_000))).toBe(true);
    await repo.close();
    repo = await store.open();
    expect(await repo.getBiz('biz')).toBeDefined();
    expect(await repo.getTicket('biz', 'ticket-1')).toMatchObject({ status: 1 });
    expect(await repo.useNonce('LTAIc', 'n2', new Date(Date.now() + 60_000))).toBe(false);
  });
});
