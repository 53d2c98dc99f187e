import { describe, expect, it } from 'vitest';
import { canonicalQuery, formEncode, parseForm, stringToSign } from '../../cloudauth/canonical';
import { percentDecode, percentEncode } from '../../cloudauth/percent-encode';
import { computeSignature, signParams, verifySignature } from '../../cloudauth/signer';

// The official worked example (ECS "Request signature" doc): AccessKeyId testid, secret testsecret.
const OFFICIAL = {
  Timestamp: '2016-02-23T12:46:24Z',
  Format: 'XML',
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  Version: '2014-05-26',
  SignatureVersion: '1.0',
};

// Our own vector with every character that trips encoders (* ! ' ( ) space ~ and Chinese);
// expected values were produced by @alicloud/pop-core 1.8.0's signing.
const SPECIAL = {
  ...OFFICIAL,
  Action: 'SubmitMaterials',
  Version: '2018-09-16',
  'Material.1.MaterialType': 'Name',
  'Material.1.Value': "李 三*!'()~",
  UserData: '{"orderId": "a b*c"}',
};

describe('percentEncode', () => {
  it('encodes per RFC 3986 with uppercase hex, keeping only unreserved characters', () => {
    expect(percentEncode("a b*c!d'e(f)g~h-_.")).toBe('a%20b%2Ac%21d%27e%28f%29g~h-_.');
    expect(percentEncode('李三')).toBe('%E6%9D%8E%E4%B8%89');
    expect(percentEncode('+/=:&')).toBe('%2B%2F%3D%3A%26');
  });
  it('round-trips through percentDecode, which also reads + as space', () => {
    const text = "李 三*!'()~+/=";
    expect(percentDecode(percentEncode(text))).toBe(text);
    expect(percentDecode('a+b')).toBe('a b');
  });
});

describe('canonical query and string to sign', () => {
  it('matches the official StringToSign byte for byte', () => {
    expect(stringToSign('GET', OFFICIAL)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });
  it('leaves Signature out and sorts by name', () => {
    expect(canonicalQuery({ b: '2', Signature: 'x', a: '1', B: '0' })).toBe('B=0&a=1&b=2');
  });
  it('form-encodes and parses back the same parameters', () => {
    expect(parseForm(formEncode(SPECIAL))).toEqual(SPECIAL);
  });
});

describe('signature', () => {
  it('reproduces the official GET vector', () => {
    expect(computeSignature(OFFICIAL, 'testsecret', 'GET')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
  it('reproduces the POST vector', () => {
    expect(computeSignature(OFFICIAL, 'testsecret', 'POST')).toBe('MxbnVAM4w6sft9xjVpe/GCKueuk=');
  });
  it('reproduces the older doc variant that spells TimeStamp', () => {
    const { Timestamp, ...rest } = OFFICIAL;
    expect(computeSignature({ ...rest, TimeStamp: Timestamp }, 'testsecret', 'GET')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });
  it('signs * ! \' ( ) space ~ and Chinese exactly as pop-core does', () => {
    expect(computeSignature(SPECIAL, 'testsecret', 'GET')).toBe('KvrNbx0CbAdmg0Blo53/Tb/8Htc=');
    expect(computeSignature(SPECIAL, 'testsecret', 'POST')).toBe('82mBWlxp+vxJlxP51n48Kf1sy00=');
    expect(computeSignature(SPECIAL, 'se cret*~', 'POST')).toBe('KvADLnULMZ81sxRLLTXEM1R18GM=');
  });
  it('ignores a Signature already present', () => {
    expect(computeSignature({ ...OFFICIAL, Signature: 'stale' }, 'testsecret', 'GET')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});

describe('verifySignature (server side)', () => {
  const signed = signParams(SPECIAL, 'testsecret', 'POST');
  it('accepts what signParams produced', () => {
    expect(verifySignature(signed, 'testsecret', 'POST')).toBe(true);
  });
  it('rejects another method, another secret, a changed value, or no signature', () => {
    expect(verifySignature(signed, 'testsecret', 'GET')).toBe(false);
    expect(verifySignature(signed, 'testsecret2', 'POST')).toBe(false);
    expect(verifySignature({ ...signed, 'Material.1.Value': '李三' }, 'testsecret', 'POST')).toBe(false);
    expect(verifySignature(SPECIAL, 'testsecret', 'POST')).toBe(false);
    expect(verifySignature({ ...signed, Signature: 'short' }, 'testsecret', 'POST')).toBe(false);
  });
});
