import { describe, expect, it } from 'vitest';
import { ACTIONS, flattenRequest, paramLocation, placeParams, unflattenParams } from '../../cloudauth/actions';
import { ERROR_CATALOGUE, errorStatus, lookupError } from '../../cloudauth/error-catalogue';
import { apiErrorFromBody, CloudauthServerError, CloudauthThrottledError } from '../../cloudauth/errors';

describe('wire parameters (shared with the self-hosted server)', () => {
  it('flattens Material lists to Material.n.* and back', () => {
    const request = ACTIONS.SubmitMaterials.request.parse({
      VerifyToken: 't',
      Material: [
        { MaterialType: 'Name', Value: '张三' },
        { MaterialType: 'Mobile', Value: '13983822930' },
      ],
    });
    const flat = flattenRequest(request);
    expect(flat).toEqual({ VerifyToken: 't', 'Material.1.MaterialType': 'Name', 'Material.1.Value': '张三', 'Material.2.MaterialType': 'Mobile', 'Material.2.Value': '13983822930' });
    expect(ACTIONS.SubmitMaterials.request.parse(unflattenParams(flat))).toEqual(request);
  });

  it('orders Material.n by number, not by text (10 after 9)', () => {
    const flat: Record<string, string> = {};
    for (let n = 10; n >= 1; n--) Object.assign(flat, { [`Material.${n}.MaterialType`]: 'Name', [`Material.${n}.Value`]: `v${n}` });
    const parsed = ACTIONS.SubmitMaterials.request.parse(unflattenParams({ VerifyToken: 't', ...flat }));
    expect(parsed.Material.map((m) => m.Value)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10']);
  });

  it('a server parsing Material.11 or a half pair refuses it', () => {
    expect(ACTIONS.SubmitMaterials.request.safeParse(unflattenParams({ VerifyToken: 't', 'Material.11.MaterialType': 'Name', 'Material.11.Value': 'x' })).success).toBe(false);
    expect(ACTIONS.SubmitMaterials.request.safeParse(unflattenParams({ VerifyToken: 't', 'Material.1.MaterialType': 'Name' })).success).toBe(false);
  });

  it('places each parameter where the guide says', () => {
    expect(placeParams(ACTIONS.GetVerifyToken, { Biz: 'b', TicketId: 't', Binding: '{}', UserData: '{}' })).toEqual({
      query: { Biz: 'b', TicketId: 't', UserData: '{}' },
      body: { Binding: '{}' },
    });
    expect(paramLocation(ACTIONS.SubmitVerification, 'Biz')).toBe('body');
    expect(paramLocation(ACTIONS.GetStatus, 'Biz')).toBe('query');
    expect(paramLocation(ACTIONS.CompareFaces, 'RegionId')).toBe('query');
    expect(paramLocation(ACTIONS.CompareFaces, 'Unknown')).toBeUndefined();
  });

  it('parses Binding and RetAttributes from their wire strings', () => {
    expect(ACTIONS.GetVerifyToken.request.parse({ Biz: 'b', TicketId: 't', Binding: '{"Name":"李三","IdentificationNumber":"1"}' }).Binding).toEqual({ Name: '李三', IdentificationNumber: '1' });
    expect(ACTIONS.GetVerifyToken.request.safeParse({ Biz: 'b', TicketId: 't', Binding: '{not json' }).success).toBe(false);
    expect(ACTIONS.GetVerifyToken.request.safeParse({ Biz: 'b', TicketId: 't', Binding: { FacePic: 'data:image/png;base64,AAAA' } }).success).toBe(false);
    expect(ACTIONS.DetectFaceAttributes.request.parse({ MaterialValue: 'http://a/b.jpg', RetAttributes: 'gender,headpose,blur,glasses,age,facetype', DontSaveDB: 'false', MaxFaceNum: '3' })).toMatchObject({
      RetAttributes: ['Gender', 'Headpose', 'Blur', 'Glasses', 'Age', 'Facetype'],
      DontSaveDB: false,
      MaxFaceNum: 3,
    });
  });
});

describe('error catalogue', () => {
  it('holds every code of the guide and the gateway errors the issue names', () => {
    for (const code of [
      'Error.InternalError', 'InvalidParam.ParamMissing', 'Error.NoPermissionAccess', 'InvalidParam.InvalidBiz', 'InvalidParam.VerifyTokenExpired',
      'InvalidParam.MaterialsEmpty', 'InvalidParam.MaterialsNotValid', 'Error.DuplicatedTicketId', 'Error.SubmitMaterialsError',
      'Error.MaterialsUploadError', 'Error.MaterialsInsufficient', 'InvalidParam.RecordNotFound', 'Error.GetMaterialsError',
      'Error.CompareFacesError', 'InvalidParam.ImageTypeEmpty', 'InvalidParam.FacePicNotGiven', 'InvalidParam.ImageValuePatternError',
      'InvalidParam.ImageTypeInvalid', 'Error.NoFaceDetected', 'UnsupportedOperation',
      'SignatureDoesNotMatch', 'InvalidTimeStamp.Expired', 'InvalidTimeStamp.Format', 'SignatureNonceUsed', 'InvalidAccessKeyId.NotFound', 'MissingParameter',
    ]) expect(ERROR_CATALOGUE[code], code).toBeDefined();
  });

  it('gives the per-action status the guide prints (ParamMissing is 403 in three actions)', () => {
    expect(errorStatus('InvalidParam.ParamMissing', 'GetStatus')).toBe(400);
    expect(errorStatus('InvalidParam.ParamMissing', 'CompareFaces')).toBe(403);
    expect(errorStatus('InvalidParam.RecordNotFound')).toBe(404);
    expect(errorStatus('Error.InternalError')).toBe(500);
  });

  it('recognises gateway families: any Throttling.* is retryable, any Missing* is not', () => {
    expect(lookupError('Throttling.Resource')?.retryable).toBe(true);
    expect(lookupError('MissingTicketId')?.retryable).toBe(false);
    expect(apiErrorFromBody({ Code: 'Throttling.Resource' }, 400)).toBeInstanceOf(CloudauthThrottledError);
    expect(apiErrorFromBody({ Code: 'Some.NewServerError' }, 503)).toBeInstanceOf(CloudauthServerError);
    expect(apiErrorFromBody({ Code: 'Some.NewServerError' }, 503).retryable).toBe(true);
  });
});
