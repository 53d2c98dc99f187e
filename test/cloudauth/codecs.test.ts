import { describe, expect, it } from 'vitest';
import { ACTIONS, type ActionData, type ActionName } from '../../cloudauth/actions';
import { decodeBody, encodeErrorBody, encodeSuccessBody } from '../../cloudauth/codecs';
import { CloudauthProtocolError } from '../../cloudauth/errors';
import { Envelope } from '../../cloudauth/wire-types';
import {
  compareFacesResponse,
  DETECT_FACE_ATTRIBUTES,
  errorResponse,
  GET_MATERIALS,
  GET_VERIFY_TOKEN,
  getStatusResponse,
  verifyStatusResponse,
  type SpecResponse,
} from './support/spec-responses';

function parse<A extends ActionName>(action: A, text: string) {
  const env = Envelope.parse(decodeBody(text).value);
  return { ...env, Data: ACTIONS[action].data.parse(env.Data) as ActionData<A> };
}

const cases: [ActionName, SpecResponse][] = [
  ['GetStatus', getStatusResponse(1)],
  ['SubmitMaterials', verifyStatusResponse('SubmitMaterials', 2)],
  ['SubmitVerification', verifyStatusResponse('SubmitVerification', 0)],
  ['CompareFaces', compareFacesResponse()],
  ['DetectFaceAttributes', DETECT_FACE_ATTRIBUTES],
];

describe('JSON and XML decode to the same typed objects', () => {
  it.each(cases)('%s', (action, response) => {
    const fromJson = parse(action, response.json);
    const fromXml = parse(action, response.xml);
    expect(fromXml.Data).toEqual(fromJson.Data);
    expect(fromXml.Success).toBe(true);
  });

  it('GetVerifyToken: the token and its lifetime, whichever name the example uses', () => {
    const json = parse('GetVerifyToken', GET_VERIFY_TOKEN.json).Data;
    const xml = parse('GetVerifyToken', GET_VERIFY_TOKEN.xml).Data;
    expect(json.VerifyToken).toMatchObject({ Token: '92790974cd384f29a949b47f1c4ca3a5', DurationSeconds: 1800 });
    expect(xml.VerifyToken).toMatchObject({ Token: 'bbff330091de48c585b637f03237a6db', DurationSeconds: 1800 });
    expect(xml.StsToken?.BucketName).toBe('verify-external-image');
    expect(xml.StsToken?.Token).toBe(json.StsToken?.Token);
    expect(xml.CloudauthPageUrl).toBe('https://h5.m.taobao.com/user_verify/cloudauth.html?token=1234567890abcdefg&x=1');
  });

  it('GetMaterials: CDATA, Chinese text and an ID number with no numeric coercion', () => {
    const json = parse('GetMaterials', GET_MATERIALS.json).Data;
    const xml = parse('GetMaterials', GET_MATERIALS.xml).Data;
    expect(xml).toEqual(json);
    expect(xml.IdentificationNumber).toBe('545230199002108328');
    expect(xml.Name).toBe('李明');
    expect(JSON.parse(xml.Address ?? '')).toMatchObject({ detail: '2号大街1号' });
  });

  it('keeps Code "1" a string and Success a boolean', () => {
    const xml = parse('CompareFaces', compareFacesResponse().xml);
    expect(xml.Code).toBe('1');
    expect(xml.Success).toBe(true);
    expect(typeof xml.Data.SimilarityScore).toBe('number');
  });

  it('reads the score of SubmitMaterials whether it is called SimilarityScore or MaterialScore', () => {
    expect(parse('SubmitMaterials', verifyStatusResponse('SubmitMaterials', 1, 95.22905).json).Data.VerifyStatus.SimilarityScore).toBe(95.22905);
  });

  it('reads an XML list with two faces and an XML answer with no face', () => {
    const two = DETECT_FACE_ATTRIBUTES.xml.replace(/(<FaceAttributesDetectInfo>[\s\S]*<\/FaceAttributesDetectInfo>)/, '$1$1');
    expect(parse('DetectFaceAttributes', two).Data.FaceInfos.FaceAttributesDetectInfo).toHaveLength(2);
    const none = DETECT_FACE_ATTRIBUTES.xml.replace(/<FaceInfos>[\s\S]*<\/FaceInfos>/, '<FaceInfos></FaceInfos>');
    expect(parse('DetectFaceAttributes', none).Data.FaceInfos.FaceAttributesDetectInfo).toEqual([]);
  });

  it('rejects a StatusCode outside -1…2', () => {
    expect(() => parse('GetStatus', getStatusResponse(7).json)).toThrow();
  });
});

describe('encoders (for the self-hosted server)', () => {
  it('encodes success bodies that decode back to the same typed objects in both formats', () => {
    const data = DETECT_FACE_ATTRIBUTES;
    const typed = parse('DetectFaceAttributes', data.json);
    const value = { RequestId: 'R1', Code: '1', Success: true, Data: typed.Data };
    const xml = encodeSuccessBody('DetectFaceAttributes', value, 'XML');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><DetectFaceAttributesResponse>')).toBe(true);
    expect(parse('DetectFaceAttributes', xml).Data).toEqual(typed.Data);
    expect(parse('DetectFaceAttributes', encodeSuccessBody('DetectFaceAttributes', value, 'JSON')).Data).toEqual(typed.Data);
  });

  it('escapes markup in XML values', () => {
    const xml = encodeErrorBody({ RequestId: 'R', HostId: 'h', Code: 'X', Message: 'a <b> & "c"' }, 'XML');
    expect(decodeBody(xml)).toEqual({ format: 'XML', root: 'Error', value: { RequestId: 'R', HostId: 'h', Code: 'X', Message: 'a <b> & "c"' } });
  });

  it('encodes the guide error shape in both formats', () => {
    const error = { RequestId: 'R', HostId: 'cloudauth.aliyuncs.com', Code: 'UnsupportedOperation', Message: 'The specified action is not supported.' };
    expect(JSON.parse(encodeErrorBody(error, 'JSON'))).toEqual(error);
    expect(decodeBody(errorResponse(error.Code, error.Message, 'R').xml).value).toEqual(error);
  });
});

describe('decodeBody', () => {
  it('refuses text that is neither JSON nor XML, or is broken', () => {
    expect(() => decodeBody('Bad Gateway')).toThrow(CloudauthProtocolError);
    expect(() => decodeBody('{"Code":')).toThrow(/not valid JSON/);
    expect(() => decodeBody('<a>1</a><b>2</b>')).toThrow(CloudauthProtocolError);
  });
});
