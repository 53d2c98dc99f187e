/**
 * Success bodies copied in shape from the 2018 developer guide (section 2.4 / 4.1), in both formats.
 * Where the guide prints no XML example (CompareFaces, SubmitMaterials, DetectFaceAttributes,
 * SubmitVerification), the XML follows the guide's general rule: <ActionResponse> root, one element
 * per field, repeated elements for lists. The guide's own inconsistencies are kept on purpose:
 * VerifyToken.Expire (JSON) vs DurationSeconds (XML), MaterialScore vs SimilarityScore.
 */
export interface SpecResponse {
  json: string;
  xml: string;
}

const STS_TOKEN =
  'CAIS2QJ1q6Ft5B2yfSjIpojNLPyNqehJ4I7dUWLptzMUfs1qvaDDujz2IHpFenBqBuActP8xmWFW5v0Slo15QZFLHhecNZop4pkLoQj8M9fL5Zfq4+Rf0sb6EDafAUZiUXtL7KarIunGc9KBNno2/00amMkGHFfPdlihNoLzxvwDR98LXw6+QCNbDdNNXGVLo9MbMn2jUpTINQXx0FLNEG1iuAd3lRlli8KFz9ab9wDVgXDj1+YRvP6RGJW/aNR2N5oNfbWZ1edtJK3ay3wSuVoY6qpsjaJVvDrXotyHBVBVphSDOuXZtddlIqEiPfBiSvdIoaSsnqAo5+aNzNv5k00XZr5cDSjVA8KCuJKeQ7P1aI9nKOigaimSgoC1W8Or419+UxUyLxhXftctEHh0BCE3RyvSQq3dowqbPF75FPjfivpojMsrnw6457uQLl3KXK+YzSsI3he3n9aLxnQagAGuwJ7ORAZMwZm0UqNZ9uICFM2L39GX6/H22KDq2BYGO4bMcS49V+CuBuzTK1MEgRE5ELfBq6ttk4/Arah6gUomug6Yi8ZZCl0Zghgl36j5FEHeOYMS/RGnyiLVhRb+biHoncq/PsD/m8bv3VVQIcKQQ9gF71+WzebokSmhSw3A7w==';

export const GET_VERIFY_TOKEN: SpecResponse = {
  json: JSON.stringify({
    Code: '1',
    Data: {
      StsToken: {
        AccessKeyId: 'OSSAccessKeyID',
        AccessKeySecret: 'OSSAccessKeySecret',
        BucketName: 'verify-external-image',
        EndPoint: 'https://oss-cn-shanghai.aliyuncs.com',
        Expiration: '2017-09-09T13:01:32Z',
        Path: '92790974cd384f29a949b47f1c4ca3a5/',
        Token: STS_TOKEN,
      },
      VerifyToken: { Expire: 1800, Token: '92790974cd384f29a949b47f1c4ca3a5' },
      CloudauthPageUrl: 'https://h5.m.taobao.com/user_verify/cloudauth.html?token=1234567890abcdefg',
    },
    Success: true,
  }),
  xml: `<?xml version='1.0' encoding='UTF-8'?>
<GetVerifyTokenResponse>
    <Data>
        <StsToken>
            <AccessKeySecret>OSSAccessKeySecret</AccessKeySecret>
            <BucketName>verify-external-image</BucketName>
            <AccessKeyId>OSSAccessKeyID</AccessKeyId>
            <Expiration>2017-09-14T02:28:20Z</Expiration>
            <EndPoint>https://oss-cn-shanghai.aliyuncs.com</EndPoint>
            <Token>${STS_TOKEN}</Token>
            <Path>bbff330091de48c585b637f03237a6db/</Path>
        </StsToken>
        <VerifyToken>
            <DurationSeconds>1800</DurationSeconds>
            <Token>bbff330091de48c585b637f03237a6db</Token>
        </VerifyToken>
        <CloudauthPageUrl>https://h5.m.taobao.com/user_verify/cloudauth.html?token=1234567890abcdefg&amp;x=1</CloudauthPageUrl>
    </Data>
    <Success>true</Success>
    <Code>1</Code>
</GetVerifyTokenResponse>`,
};

export function verifyStatusResponse(action: 'SubmitMaterials' | 'SubmitVerification', statusCode: number, score = 95.22905): SpecResponse {
  return {
    json: JSON.stringify({ Code: '1', Data: { VerifyStatus: { MaterialScore: score, StatusCode: statusCode, AuditConclusions: statusCode === 2 ? '不通过原因' : '' } }, Success: true }),
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<${action}Response>
  <Data>
    <VerifyStatus>
      <StatusCode>${statusCode}</StatusCode>
      <SimilarityScore>${score}</SimilarityScore>
      <AuditConclusions>${statusCode === 2 ? '不通过原因' : ''}</AuditConclusions>
    </VerifyStatus>
  </Data>
  <Success>true</Success>
  <Code>1</Code>
</${action}Response>`,
  };
}

export function getStatusResponse(statusCode: number, score = 93.12): SpecResponse {
  return {
    json: JSON.stringify({ Data: { SimilarityScore: score, StatusCode: statusCode, AuditConclusions: statusCode === 2 ? '不通过原因' : '' }, Success: true }),
    xml: `<?xml version='1.0' encoding='UTF-8'?>
<GetStatusResponse>
    <Data>
        <StatusCode>${statusCode}</StatusCode>
        <SimilarityScore>${score}</SimilarityScore>
        <AuditConclusions>${statusCode === 2 ? '不通过原因' : ''}</AuditConclusions>
    </Data>
    <Success>true</Success>
</GetStatusResponse>`,
  };
}

const ADDRESS_JSON =
  '{ "detail":"2号大街1号", "address":{ "area":{ "text":"江干区", "value":"330104", "key":"area" }, "province":{ "text":"浙江省", "value":"330000", "key":"province" }, "city":{ "text":"杭州市", "value":"330100", "key":"city" } } }';

export const GET_MATERIALS: SpecResponse = {
  json: JSON.stringify({
    Code: '1',
    Data: {
      Address: ADDRESS_JSON,
      FacePic: 'http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg',
      IdCardBackPic:
        'http://verify-img.cn-shanghai.img.aliyun-inc.com/581fd010b3b04ef18193a94d8739cf070SS.JPG?Expires=1505301155&OSSAccessKeyId=IJ95qE4nJQY6t6Lk&Signature=nYEZoBcdBro4Yfr4QQSv%2B3/rM24%3D',
      IdCardStartDate: '19900210',
      IdCardExpiry: '19900210',
      IdCardFrontPic:
        'http://verify-img.cn-shanghai.img.aliyun-inc.com/915559f79b8d49c8aabfdad3f6a40774OSS.JPG?Expires=1505301155&OSSAccessKeyId=IJ95qE4nJQY6t6Lk&Signature=jqW4rqB5OSTbDDo1Xlf7rwL9N80%3D',
      IdCardType: 'identityCard',
      IdentificationNumber: '545230199002108328',
      Name: '李明',
      Sex: 'm',
      EthnicGroup: '汉',
    },
    Success: true,
  }),
  xml: `<?xml version='1.0' encoding='UTF-8'?>
<GetMaterialsResponse>
    <Data>
        <Name>李明</Name>
        <FacePic><![CDATA[http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg]]></FacePic>
        <IdCardType>identityCard</IdCardType>
        <Address>${ADDRESS_JSON.replace(/"/g, '&quot;')}</Address>
        <IdCardBackPic>
            <![CDATA[http://verify-img.cn-shanghai.img.aliyun-inc.com/581fd010b3b04ef18193a94d8739cf070SS.JPG?Expires=1505301155&OSSAccessKeyId=IJ95qE4nJQY6t6Lk&Signature=nYEZoBcdBro4Yfr4QQSv%2B3/rM24%3D]]></IdCardBackPic>
        <IdCardFrontPic>
            <![CDATA[http://verify-img.cn-shanghai.img.aliyun-inc.com/915559f79b8d49c8aabfdad3f6a40774OSS.JPG?Expires=1505301155&OSSAccessKeyId=IJ95qE4nJQY6t6Lk&Signature=jqW4rqB5OSTbDDo1Xlf7rwL9N80%3D]]></IdCardFrontPic>
        <IdentificationNumber>545230199002108328</IdentificationNumber>
        <IdCardStartDate>19900210</IdCardStartDate>
        <IdCardExpiry>19900210</IdCardExpiry>
        <Sex>m</Sex>
        <EthnicGroup>汉</EthnicGroup>
    </Data>
    <Success>true</Success>
    <Code>1</Code>
</GetMaterialsResponse>`,
};

export const SPEC_THRESHOLDS = '{"0.0001":"90.07","0.001":"80.01","0.01":"70.02"}';

export function compareFacesResponse(score = 98.7913, thresholds = SPEC_THRESHOLDS, code = '1'): SpecResponse {
  return {
    json: JSON.stringify({ Code: code, Data: { ConfidenceThresholds: thresholds, SimilarityScore: score }, Success: true }),
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<CompareFacesResponse>
  <Code>${code}</Code>
  <Data>
    <ConfidenceThresholds>${thresholds.replace(/"/g, '&quot;')}</ConfidenceThresholds>
    <SimilarityScore>${score}</SimilarityScore>
  </Data>
  <Success>true</Success>
</CompareFacesResponse>`,
  };
}

export const DETECT_FACE_ATTRIBUTES: SpecResponse = {
  json: JSON.stringify({
    Data: {
      ImgWidth: 1080,
      ImgHeight: 1920,
      FaceInfos: {
        FaceAttributesDetectInfo: [
          {
            FaceAttributes: {
              Facetype: 'Face',
              Headpose: { PitchAngle: -1.5683923959732056, RollAngle: 7.163370132446289, YawAngle: -6.925303936004639 },
              Glasses: 'None',
              Blur: 0.1419367790222168,
              Smiling: {},
              Gender: { Score: 0.7767378687858582, Value: 'Female' },
              Age: 2,
            },
            FaceRect: { Left: 354, Top: 453, Height: 473, Width: 473 },
          },
        ],
      },
    },
    Code: '1',
    Success: true,
  }),
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<DetectFaceAttributesResponse>
  <Data>
    <ImgWidth>1080</ImgWidth>
    <ImgHeight>1920</ImgHeight>
    <FaceInfos>
      <FaceAttributesDetectInfo>
        <FaceAttributes>
          <Facetype>Face</Facetype>
          <Headpose><PitchAngle>-1.5683923959732056</PitchAngle><RollAngle>7.163370132446289</RollAngle><YawAngle>-6.925303936004639</YawAngle></Headpose>
          <Glasses>None</Glasses>
          <Blur>0.1419367790222168</Blur>
          <Smiling></Smiling>
          <Gender><Score>0.7767378687858582</Score><Value>Female</Value></Gender>
          <Age>2</Age>
        </FaceAttributes>
        <FaceRect><Left>354</Left><Top>453</Top><Height>473</Height><Width>473</Width></FaceRect>
      </FaceAttributesDetectInfo>
    </FaceInfos>
  </Data>
  <Code>1</Code>
  <Success>true</Success>
</DetectFaceAttributesResponse>`,
};

/** The guide's error example (2.2), with any code. */
export function errorResponse(code: string, message: string, requestId = '8906582E-6722-409A-A6C4-0E7863B733A5'): SpecResponse {
  return {
    json: JSON.stringify({ RequestId: requestId, HostId: 'cloudauth.aliyuncs.com', Code: code, Message: message }),
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<Error>
<RequestId>${requestId}</RequestId>
<HostId>cloudauth.aliyuncs.com</HostId>
<Code>${code}</Code>
<Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message>
</Error>`,
  };
}
