import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/index';
import { captureIo } from '../cloudauth/support/cli-io';
import { CloudauthTestServer } from '../cloudauth/support/test-server';

let server: CloudauthTestServer;
let dir: string;
let facePath: string;
let face: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-cloudauth-'));
  face = await sharp({ create: { width: 60, height: 80, channels: 3, background: '#a07050' } }).jpeg().toBuffer();
  facePath = join(dir, 'face.jpg');
  await writeFile(facePath, face);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await CloudauthTestServer.start();
});
afterEach(async () => {
  await server.close();
});

const creds = () => ['--endpoint', server.url, '--key-id', 'testid', '--key-secret', 'testsecret'];

describe('renzheng cloudauth ACTION', () => {
  it('CompareFaces with @FILE images prints the parsed response', async () => {
    const cap = captureIo();
    const code = await runCli(
      ['cloudauth', 'CompareFaces', ...creds(), 'SourceImageType=FacePic', `SourceImageValue=@${facePath}`, 'TargetImageType=IDPic', 'TargetImageValue=https://example.com/id.jpg'],
      cap.io,
    );
    expect(code).toBe(0);
    expect(cap.json()).toEqual({ Code: '1', Success: true, Data: { SimilarityScore: 98.7913, ConfidenceThresholds: '{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}' } });
    expect(server.accepted('CompareFaces')[0]!.body.SourceImageValue).toBe(`base64://${face.toString('base64')}`);
  });

  it('--format XML asks for XML and prints the same JSON', async () => {
    const cap = captureIo();
    expect(await runCli(['cloudauth', 'GetStatus', ...creds(), '--format', 'xml', 'Biz=RPMin', 'TicketId=t-1'], cap.io)).toBe(0);
    expect(server.accepted('GetStatus')[0]!.format).toBe('XML');
    expect(cap.json()).toMatchObject({ Success: true, Data: { StatusCode: 1, SimilarityScore: 93.12 } });
  });

  it('takes the AccessKey from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET', async () => {
    const cap = captureIo({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret' });
    expect(await runCli(['cloudauth', 'GetMaterials', '--endpoint', server.url, 'Biz=RPMin', 'TicketId=t-1'], cap.io)).toBe(0);
    expect(cap.json()).toMatchObject({ Data: { Name: '李明' } });
  });

  it('SubmitMaterials from numbered Material.n pairs', async () => {
    const cap = captureIo();
    const args = ['cloudauth', 'SubmitMaterials', ...creds(), 'VerifyToken=tok', 'Material.1.MaterialType=Name', 'Material.1.Value=李三', 'Material.2.MaterialType=FacePic', `Material.2.Value=@${facePath}`];
    expect(await runCli(args, cap.io)).toBe(0);
    expect(cap.json()).toMatchObject({ Data: { VerifyStatus: { StatusCode: 1 } } });
    expect(server.accepted('SubmitMaterials')[0]!.body['Material.1.Value']).toBe('李三');
  });

  it('GetVerifyToken with Binding as a JSON string, and DetectFaceAttributes and SubmitVerification', async () => {
    const cap = captureIo();
    expect(await runCli(['cloudauth', 'GetVerifyToken', ...creds(), 'Biz=RPMin', 'TicketId=t-1', 'Binding={"Name":"李三"}'], cap.io)).toBe(0);
    expect(server.accepted('GetVerifyToken')[0]!.body.Binding).toBe('{"Name":"李三"}');
    expect(await runCli(['cloudauth', 'DetectFaceAttributes', ...creds(), `MaterialValue=@${facePath}`, 'RetAttributes=gender,age'], captureIo().io)).toBe(0);
    expect(server.accepted('DetectFaceAttributes')[0]!.body.RetAttributes).toBe('Gender,Age');
    expect(await runCli(['cloudauth', 'SubmitVerification', ...creds(), 'Biz=RPBasic', 'TicketId=t-9', 'Material.1.MaterialType=Name', 'Material.1.Value=x'], captureIo().io)).toBe(0);
  });

  it('a service error: exit 1 and the typed error as JSON, without the secret', async () => {
    server.script('GetStatus', { error: { code: 'InvalidParam.InvalidBiz', message: 'The biz is not valid.', status: 400, requestId: 'RID-7' } });
    const cap = captureIo();
    expect(await runCli(['cloudauth', 'GetStatus', ...creds(), 'Biz=Nope', 'TicketId=t'], cap.io)).toBe(1);
    expect(cap.json()).toEqual({
      error: {
        code: 'InvalidParam.InvalidBiz',
        message: 'GetStatus failed: InvalidParam.InvalidBiz (The biz is not valid.)',
        name: 'CloudauthRejectedError',
        hint: 'Set Biz to a scene created in the cloudauth console.',
        retryable: false,
        action: 'GetStatus',
        httpStatus: 400,
        requestId: 'RID-7',
        hostId: 'cloudauth.aliyuncs.com',
      },
    });
    expect(cap.stdout()).not.toContain('testsecret');
  });

  it('an invalid parameter: exit 1 with the spec code, nothing sent', async () => {
    const cap = captureIo();
    expect(await runCli(['cloudauth', 'CompareFaces', ...creds(), 'SourceImageType=IDPic', 'SourceImageValue=https://a/b.jpg', 'TargetImageType=IDPic', 'TargetImageValue=https://a/c.jpg'], cap.io)).toBe(1);
    expect(cap.json()).toMatchObject({ error: { code: 'InvalidParam.FacePicNotGiven' } });
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [['cloudauth'], /missing ACTION/],
    [['cloudauth', 'DescribeRegions'], /unknown action 'DescribeRegions'/],
    [['cloudauth', 'GetStatus', '--endpoint', 'http://127.0.0.1:9', 'Biz'], /expected Name=Value/],
    [['cloudauth', 'GetStatus', '--endpoint', 'http://127.0.0.1:9', 'Biz=a'], /AccessKey is required/],
    [['cloudauth', 'GetStatus', '--key-id', 'a', '--key-secret', 'b', '--format', 'YAML', 'Biz=a'], /--format must be JSON or XML/],
    [['cloudauth', 'GetStatus', '--bogus'], /Unknown option/],
  ])('usage errors exit 2: %j', async (args, message) => {
    const cap = captureIo();
    expect(await runCli(args, cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(message);
  });
});
