import { describe, expect, it } from 'vitest';
import { actionExists, parseActionParams, specCodeOfIssues } from '../../cloudauth/action-params';
import { decodeBody } from '../../cloudauth/codecs';
import { checkCommonParams, nonceExpiry, parseTimestamp, responseFormatOf, TIMESTAMP_TOLERANCE_MS } from '../../cloudauth/gateway';
import { errorResponse, successResponse } from '../../cloudauth/responses';

const NOW = new Date('2026-12-01T12:00:00Z');
const COMMON = {
  Action: 'GetStatus',
  Version: '2018-09-16',
  AccessKeyId: 'LTAIx',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  SignatureNonce: 'n',
  Timestamp: '2026-12-01T12:00:00Z',
  Signature: 's',
};

describe('checkCommonParams', () => {
  it('accepts a complete request and defaults the format to XML', () => {
    expect(checkCommonParams(COMMON, NOW)).toMatchObject({ ok: true, action: 'GetStatus', format: 'XML', timestamp: NOW });
    expect(responseFormatOf({ Format: 'json' })).toBe('JSON');
  });
  it.each(Object.keys(COMMON))('names a missing %s with MissingParameter', (name) => {
    const { [name]: _gone, ...rest } = COMMON as Record<string, string>;
    expect(checkCommonParams(rest, NOW)).toMatchObject({ ok: false, code: 'MissingParameter', detail: expect.stringContaining(`"${name}"`) });
  });
  it('accepts exactly 15 minutes of skew, not a second more', () => {
    const at = (ms: number) => checkCommonParams({ ...COMMON, Timestamp: new Date(NOW.getTime() + ms).toISOString().slice(0, 19) + 'Z' }, NOW);
    expect(at(TIMESTAMP_TOLERANCE_MS).ok).toBe(true);
    expect(at(-TIMESTAMP_TOLERANCE_MS).ok).toBe(true);
    expect(at(TIMESTAMP_TOLERANCE_MS + 1000)).toMatchObject({ code: 'InvalidTimeStamp.Expired' });
    expect(at(-TIMESTAMP_TOLERANCE_MS - 1000)).toMatchObject({ code: 'InvalidTimeStamp.Expired' });
  });
  it('refuses other signature methods and versions', () => {
    expect(checkCommonParams({ ...COMMON, SignatureMethod: 'HMAC-SHA256' }, NOW)).toMatchObject({ code: 'IncompleteSignature' });
    expect(checkCommonParams({ ...COMMON, SignatureVersion: '2.0' }, NOW)).toMatchObject({ code: 'IncompleteSignature' });
  });
  it('remembers a nonce until its timestamp could no longer be accepted', () => {
    expect(nonceExpiry(NOW, NOW).getTime() - NOW.getTime()).toBeGreaterThanOrEqual(TIMESTAMP_TOLERANCE_MS);
    const future = new Date(NOW.getTime() + 10 * 60_000);
    expect(nonceExpiry(future, NOW).getTime() - future.getTime()).toBeGreaterThanOrEqual(TIMESTAMP_TOLERANCE_MS);
  });
});

describe('parseTimestamp', () => {
  it.each(['2026-12-01T12:00:00.000Z', '2026-12-01 12:00:00', '2026-12-01T12:00:00+08:00', '2026-02-29T00:00:00Z', '2026-12-01T24:00:00Z', ''])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
  it('reads the guide\'s example', () => expect(parseTimestamp('2017-11-11T12:00:00Z')).toEqual(new Date(Date.UTC(2017, 10, 11, 12))));
});

describe('actionExists', () => {
  it('follows the release notes', () => {
    expect(actionExists('GetStatus', '2017-10-10')).toBe(true);
    expect(actionExists('DetectFaceAttributes', '2018-05-04')).toBe(false);
    expect(actionExists('DetectFaceAttributes', '2018-07-03')).toBe(true);
    expect(actionExists('SubmitVerification', '2018-08-07')).toBe(false);
    expect(actionExists('CompareFaces', '2019-03-07')).toBe(true);
    expect(actionExists('GetStatus', '2019-03-07')).toBe(false);
    expect(actionExists('DescribeRegions', '2018-09-16')).toBe(false);
    expect(actionExists('GetStatus', '2016-01-01')).toBe(false);
  });
});

describe('parseActionParams', () => {
  it('drops common parameters and ones the guide does not list for the action', () => {
    expect(parseActionParams('GetStatus', { ...COMMON, RegionId: 'cn-hangzhou', Biz: 'b', TicketId: 't', Extra: 'x' })).toEqual({ ok: true, value: { Biz: 'b', TicketId: 't' } });
  });
  it('unflattens Material.n and reports an unknown type as MaterialsNotValid', () => {
    const ok = parseActionParams('SubmitMaterials', { VerifyToken: 'v', 'Material.2.MaterialType': 'FacePic', 'Material.2.Value': 'https://x/y.jpg', 'Material.1.MaterialType': 'Name', 'Material.1.Value': 'n' });
    expect(ok).toMatchObject({ ok: true, value: { Material: [{ MaterialType: 'Name' }, { MaterialType: 'FacePic' }] } });
    expect(parseActionParams('SubmitMaterials', { VerifyToken: 'v', 'Material.1.MaterialType': 'Passport', 'Material.1.Value': 'x' })).toMatchObject({ ok: false, code: 'InvalidParam.MaterialsNotValid' });
    expect(parseActionParams('SubmitMaterials', { VerifyToken: 'v', 'Material.11.MaterialType': 'Name', 'Material.11.Value': 'x' })).toMatchObject({ ok: false, code: 'InvalidParam.MaterialsNotValid' });
    expect(parseActionParams('SubmitMaterials', { VerifyToken: 'v' })).toMatchObject({ ok: false, code: 'InvalidParam.MaterialsEmpty' });
  });
  it('answers CompareFaces problems with the guide\'s codes', () => {
    const base = { SourceImageValue: 'https://x/a.jpg', TargetImageValue: 'https://x/b.jpg' };
    expect(parseActionParams('CompareFaces', { ...base, SourceImageType: 'FacePic' })).toMatchObject({ code: 'InvalidParam.ImageTypeEmpty' });
    expect(parseActionParams('CompareFaces', { ...base, SourceImageType: 'IDPic', TargetImageType: 'IDPic' })).toMatchObject({ code: 'InvalidParam.FacePicNotGiven' });
    expect(parseActionParams('CompareFaces', { ...base, SourceImageType: 'Selfie', TargetImageType: 'FacePic' })).toMatchObject({ code: 'InvalidParam.ImageTypeInvalid' });
    expect(parseActionParams('CompareFaces', { ...base, SourceImageValue: 'file:///etc/passwd', SourceImageType: 'FacePic', TargetImageType: 'FacePic' })).toMatchObject({
      code: 'InvalidParam.ImageValuePatternError',
    });
  });
  it('falls back to ParamMissing for an issue without a code', () => {
    expect(specCodeOfIssues([])).toMatchObject({ code: 'InvalidParam.ParamMissing' });
  });
});

describe('responses', () => {
  it('encode success with RequestId, Success, Code "1" and Data, keeping ConfidenceThresholds a string in XML', () => {
    const data = { SimilarityScore: 98.7913, ConfidenceThresholds: '{"0.0001":"90.07"}' };
    const json = successResponse('CompareFaces', data, 'R1', 'JSON');
    expect([json.status, JSON.parse(json.body)]).toEqual([200, { RequestId: 'R1', Success: true, Code: '1', Data: data }]);
    const xml = successResponse('CompareFaces', data, 'R1', 'XML');
    expect(xml.contentType).toContain('text/xml');
    expect(decodeBody(xml.body)).toEqual({ format: 'XML', root: 'CompareFacesResponse', value: { RequestId: 'R1', Success: 'true', Code: '1', Data: { SimilarityScore: '98.7913', ConfidenceThresholds: '{"0.0001":"90.07"}' } } });
  });
  it('encode errors with the status the guide gives, per action where it differs', () => {
    const ctx = { requestId: 'R', hostId: 'h', format: 'JSON' as const };
    expect(errorResponse('InvalidAccessKeyId.NotFound', ctx).status).toBe(404);
    expect(errorResponse('InvalidParam.ParamMissing', ctx).status).toBe(400);
    expect(errorResponse('InvalidParam.ParamMissing', { ...ctx, action: 'SubmitMaterials' }).status).toBe(403);
    expect(errorResponse('Error.MaterialsUploadError', ctx).status).toBe(500);
    expect(JSON.parse(errorResponse('SignatureNonceUsed', { ...ctx, detail: 'more' }).body)).toEqual({ RequestId: 'R', HostId: 'h', Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already. more' });
  });
});
