import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Value } from '../../cloudauth';
import { FacePool, FaceQueueFullError } from '../../server/face-pool';
import { fakeFace, fakeImage } from './support/fake-face';
import { startTestServer, type TestServer } from './support/harness';
import { rawCall } from './support/raw';

describe('FacePool', () => {
  it('runs at most `concurrency` jobs, queues up to maxQueued, and refuses the next at once', async () => {
    const pool = new FacePool(fakeFace(), { concurrency: 2, maxQueued: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const jobs = [0, 1, 2].map(() => pool.run(() => gate));
    expect(pool.stats).toEqual({ running: 2, queued: 1 });
    await expect(pool.run(async () => 'late')).rejects.toBeInstanceOf(FaceQueueFullError);
    release();
    await Promise.all(jobs);
    expect(pool.stats).toEqual({ running: 0, queued: 0 });
    await expect(pool.run(async () => 'after')).resolves.toBe('after');
  });

  it('frees the slot of a job that fails', async () => {
    const pool = new FacePool(fakeFace(), { concurrency: 1, maxQueued: 0 });
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pool.run(async () => 'next')).resolves.toBe('next');
  });
});

describe('a full compare queue', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ faceWorkers: 1, faceQueue: 1 });
  });
  afterAll(() => t.close());

  it('answers Throttling at once instead of waiting, and serves again once it drains', async () => {
    let release!: () => void;
    t.face.gate = new Promise<void>((r) => (release = r));
    const body = { SourceImageType: 'FacePic', SourceImageValue: toBase64Value(fakeImage('q')), TargetImageType: 'FacePic', TargetImageValue: toBase64Value(fakeImage('q')) };
    const held = [rawCall(t.url, t.key, 'CompareFaces', body), rawCall(t.url, t.key, 'CompareFaces', body)];
    while (t.face.compares < 1) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const refused = await rawCall(t.url, t.key, 'CompareFaces', body);
    expect(Date.now() - started).toBeLessThan(1000);
    expect([refused.status, refused.body.Code]).toEqual([400, 'Throttling']);
    expect(refused.body.Message).toContain('queue is full');
    t.face.gate = undefined;
    release();
    for (const answer of await Promise.all(held)) expect(answer.status).toBe(200);
    expect((await rawCall(t.url, t.key, 'CompareFaces', body)).status).toBe(200);
  });
});
