import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudauthAbortedError, CloudauthDeadlineError, CloudauthRejectedError } from '../../cloudauth/errors';
import { runRpmin } from '../../cloudauth/rpmin';
import { clientFor, TINY_JPEG } from './support/client';
import { getStatusResponse, verifyStatusResponse } from './support/spec-responses';
import { CloudauthTestServer } from './support/test-server';

let server: CloudauthTestServer;
beforeEach(async () => {
  server = await CloudauthTestServer.start();
});
afterEach(async () => {
  await server.close();
});

/** A clock that only moves when the flow sleeps, so deadlines are exact and instant. */
function virtualTime() {
  let now = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      delays.push(ms);
      now += ms;
    },
  };
}

const INPUT = { biz: 'RPMin', ticketId: 'ticket-1', name: '李三', idNumber: '63054619800909099X', facePic: TINY_JPEG, idPic: TINY_JPEG };

describe('runRpmin', () => {
  it('GetVerifyToken then SubmitMaterials; a synchronous verdict needs no polling', async () => {
    const time = virtualTime();
    const stages: string[] = [];
    const result = await runRpmin(clientFor(server), { ...INPUT, onStage: (s) => stages.push(s) }, time);
    expect(result).toMatchObject({ ticketId: 'ticket-1', verifyToken: '92790974cd384f29a949b47f1c4ca3a5', statusCode: 1, similarityScore: 95.22905, polls: 0 });
    expect(server.accepted().map((r) => r.action)).toEqual(['GetVerifyToken', 'SubmitMaterials']);
    const submit = server.accepted('SubmitMaterials')[0]!;
    expect(submit.body).toMatchObject({
      VerifyToken: '92790974cd384f29a949b47f1c4ca3a5',
      'Material.1.MaterialType': 'Name',
      'Material.1.Value': '李三',
      'Material.2.MaterialType': 'IdentificationNumber',
      'Material.2.Value': '63054619800909099X',
      'Material.3.MaterialType': 'FacePic',
      'Material.4.MaterialType': 'IDPic',
    });
    expect(server.accepted('GetVerifyToken')[0]!.query).toMatchObject({ Biz: 'RPMin', TicketId: 'ticket-1' });
    expect(stages).toEqual(['submitting']);
    expect(time.delays).toEqual([]);
  });

  it('status 0: polls GetStatus with backoff until a verdict, then fetches the materials', async () => {
    server.script('SubmitMaterials', { reply: verifyStatusResponse('SubmitMaterials', 0) });
    server.script('GetStatus', { reply: getStatusResponse(0) }, { reply: getStatusResponse(-1) }, { reply: getStatusResponse(2, 41.5) });
    const time = virtualTime();
    const result = await runRpmin(clientFor(server, { format: 'XML' }), { ...INPUT, fetchMaterials: true }, time);
    expect(result).toMatchObject({ statusCode: 2, similarityScore: 41.5, auditConclusions: '不通过原因', polls: 3 });
    expect(result.materials).toMatchObject({ Name: '李明', IdCardType: 'identityCard' });
    expect(time.delays).toEqual([1000, 2000, 4000]);
    expect(server.accepted().map((r) => r.action)).toEqual(['GetVerifyToken', 'SubmitMaterials', 'GetStatus', 'GetStatus', 'GetStatus', 'GetMaterials']);
    expect(server.accepted('GetStatus').every((r) => r.query.TicketId === 'ticket-1')).toBe(true);
    expect(result.requestIds).toHaveLength(0); // the guide's examples carry no RequestId
  });

  it('gives up at the deadline with the TicketId to check later', async () => {
    server.script('SubmitMaterials', { reply: verifyStatusResponse('SubmitMaterials', 0) });
    for (let i = 0; i < 20; i++) server.script('GetStatus', { reply: getStatusResponse(0) });
    const time = virtualTime();
    const error = await runRpmin(clientFor(server), { ...INPUT, poll: { deadlineMs: 10_000, initialDelayMs: 1000, maxDelayMs: 4000 } }, time).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudauthDeadlineError);
    expect(error).toMatchObject({ code: 'ReviewDeadline', ticketId: 'ticket-1' });
    // 1 + 2 + 4 + 3 (capped to what was left) = 10 s
    expect(time.delays).toEqual([1000, 2000, 4000, 3000]);
    expect(time.now()).toBe(10_000);
  });

  it('a retried submit refused as duplicate goes on to poll the existing review', async () => {
    server.script(
      'SubmitMaterials',
      { error: { code: 'Error.SubmitMaterialsError', message: 'SubmitMaterials action failed due to internal error.', status: 500 } },
      { error: { code: 'Error.DuplicatedTicketId', message: 'A record associated with your ticketId has existed.', status: 403 } },
    );
    const result = await runRpmin(clientFor(server), INPUT, virtualTime());
    expect(result).toMatchObject({ statusCode: 1, polls: 1 });
  });

  it('other submit errors end the flow, typed', async () => {
    server.script('SubmitMaterials', { error: { code: 'Error.MaterialsInsufficient', message: 'x', status: 403 } });
    const error = await runRpmin(clientFor(server), INPUT, virtualTime()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudauthRejectedError);
    expect(error).toMatchObject({ code: 'Error.MaterialsInsufficient' });
  });

  it('stops polling when cancelled', async () => {
    server.script('SubmitMaterials', { reply: verifyStatusResponse('SubmitMaterials', 0) });
    const controller = new AbortController();
    const sleep = async () => {
      controller.abort();
      throw new Error('aborted');
    };
    const error = await runRpmin(clientFor(server), { ...INPUT, signal: controller.signal }, { sleep, now: () => 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudauthAbortedError);
    expect(server.accepted('GetStatus')).toHaveLength(0);
  });
});
