import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeBmp24 } from '../../imaging/bmp';
import { runCloudauthCompare } from '../../cli/cloudauth-compare';
import { captureIo } from '../cloudauth/support/cli-io';
import { compareFacesResponse } from '../cloudauth/support/spec-responses';
import { CloudauthTestServer } from '../cloudauth/support/test-server';

let server: CloudauthTestServer;
let dir: string;
let source: string;
let target: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-compare-'));
  source = join(dir, 'live.jpg');
  target = join(dir, 'chip.bmp');
  await writeFile(source, await sharp({ create: { width: 80, height: 100, channels: 3, background: '#906050' } }).jpeg().toBuffer());
  await writeFile(target, encodeBmp24({ width: 102, height: 126, data: Buffer.alloc(102 * 126 * 3, 0x70) }));
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

const creds = () => ['--provider', 'cloudauth', '--endpoint', server.url, '--key-id', 'testid', '--key-secret', 'testsecret'];

describe('renzheng compare SOURCE TARGET --provider cloudauth', () => {
  it('prints the Data object of CompareFaces', async () => {
    const cap = captureIo();
    expect(await runCloudauthCompare([source, target, ...creds(), '--target-type', 'IDPic'], cap.io)).toBe(0);
    expect(cap.json()).toEqual({ SimilarityScore: 98.7913, ConfidenceThresholds: '{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}' });
    expect(server.accepted('CompareFaces')[0]!.body).toMatchObject({ SourceImageType: 'FacePic', TargetImageType: 'IDPic' });
  });

  it('defaults both types to FacePic, honours --api-version and env credentials', async () => {
    server.script('CompareFaces', { reply: compareFacesResponse(12.5, '{"0.001":"80"}', '200') });
    const cap = captureIo({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret' });
    expect(await runCloudauthCompare([source, source, '--provider', 'cloudauth', '--endpoint', server.url, '--api-version', '2019-03-07'], cap.io)).toBe(0);
    expect(cap.json()).toEqual({ SimilarityScore: 12.5, ConfidenceThresholds: '{"0.001":"80"}' });
    const [req] = server.accepted('CompareFaces');
    expect(req!.query.Version).toBe('2019-03-07');
    expect(req!.body).toMatchObject({ SourceImageType: 'FacePic', TargetImageType: 'FacePic' });
  });

  it('a no-face answer: exit 1 with the spec error', async () => {
    server.script('CompareFaces', { error: { code: 'Error.NoFaceDetected', message: 'No face detected from given images.', status: 400 } });
    const cap = captureIo();
    expect(await runCloudauthCompare([source, target, ...creds()], cap.io)).toBe(1);
    expect(cap.json()).toMatchObject({ error: { code: 'Error.NoFaceDetected', httpStatus: 400, retryable: false } });
  });

  it('two IDPic images are refused before sending', async () => {
    const cap = captureIo();
    expect(await runCloudauthCompare([source, target, ...creds(), '--source-type', 'IDPic', '--target-type', 'IDPic'], cap.io)).toBe(1);
    expect(cap.json()).toMatchObject({ error: { code: 'InvalidParam.FacePicNotGiven' } });
    expect(server.requests).toHaveLength(0);
  });

  it('a missing image file: exit 1 with ImageNotFound', async () => {
    const cap = captureIo();
    expect(await runCloudauthCompare([join(dir, 'nope.jpg'), target, ...creds()], cap.io)).toBe(1);
    expect(cap.json()).toMatchObject({ error: { code: 'ImageNotFound' } });
  });

  it.each([
    [['only-one.jpg', '--provider', 'cloudauth'], /expected SOURCE and TARGET/],
    [['a', 'b', '--provider', 'local'], /needs --provider cloudauth/],
    [['a', 'b', '--provider', 'cloudauth', '--source-type', 'Selfie'], /FacePic or IDPic/],
    [['a', 'b', '--provider', 'cloudauth', '--api-version', '2020-01-01', '--key-id', 'x', '--key-secret', 'y'], /--api-version must be/],
  ])('usage errors exit 2: %j', async (args, message) => {
    const cap = captureIo();
    expect(await runCloudauthCompare(args, cap.io)).toBe(2);
    expect(cap.stderr()).toMatch(message);
  });
});
