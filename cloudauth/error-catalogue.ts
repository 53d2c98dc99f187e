/**
 * Every error code the 2018 developer guide lists (section 2.4, 4.1, and the common example in 2.2),
 * plus the POP gateway errors that reach any RPC action. The client uses it to classify and explain
 * failures; the self-hosted server uses it to answer with the same status and message.
 */
export type ErrorKind =
  | 'auth' // credentials, signature, permission: fix configuration
  | 'clock' // timestamp rejected: fix the kiosk clock (NTP)
  | 'replay' // nonce reused
  | 'throttled' // flow control: retry later
  | 'invalid-request' // parameters wrong: fix the call
  | 'not-found'
  | 'no-face' // the image has no usable face: retake the photo
  | 'server'; // service-side failure

export interface CatalogueEntry {
  httpStatus: number;
  /** Statuses the guide gives for specific actions where they differ from httpStatus. */
  statusByAction?: Readonly<Record<string, number>>;
  kind: ErrorKind;
  message: string;
  messageZh?: string;
  /** What the operator or integrator should do about it. */
  hint: string;
  retryable: boolean;
  /** spec: the 2018 guide; gateway: Alibaba's POP gateway docs; renzheng: our service, where neither names a code. */
  source: 'spec' | 'gateway' | 'renzheng';
}

const PARAM_MISSING_403 = { SubmitMaterials: 403, CompareFaces: 403, SubmitVerification: 403 } as const;

export const ERROR_CATALOGUE: Readonly<Record<string, CatalogueEntry>> = {
  'Error.InternalError': {
    httpStatus: 500, kind: 'server', retryable: true, source: 'spec',
    message: 'The request processing has failed due to some unknown error.',
    messageZh: '服务内部出现未知错误,请联系技术支持排查。',
    hint: 'Transient service failure; retried automatically. If it persists, contact support with the RequestId.',
  },
  'InvalidParam.ParamMissing': {
    httpStatus: 400, statusByAction: PARAM_MISSING_403, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'Please check if there is param empty in your imput.',
    messageZh: '参数错误,请检查参数是否为空。',
    hint: 'A required parameter was empty; check the call.',
  },
  'Error.NoPermissionAccess': {
    httpStatus: 403, kind: 'auth', retryable: false, source: 'spec',
    message: 'No permission to access our service.',
    messageZh: '没有权限访问服务,请确认是否服务已开通。',
    hint: 'Activate 实人认证 for the account and grant the RAM user AliyunYundunCloudAuthFullAccess.',
  },
  'InvalidParam.InvalidBiz': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The biz is not valid.',
    messageZh: '参数 Biz 不合法,请与控制台上创建的保持一致。',
    hint: 'Set Biz to a scene created in the cloudauth console.',
  },
  'InvalidParam.VerifyTokenExpired': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The verify token was expired.',
    messageZh: 'VerifyToken 过期。',
    hint: 'Call GetVerifyToken again and submit before the token expires (usually 30 minutes).',
  },
  'InvalidParam.MaterialsEmpty': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The materials list is empty.', messageZh: 'Materials 列表为空。',
    hint: 'Submit at least one Material.n.MaterialType / Material.n.Value pair.',
  },
  'InvalidParam.MaterialsNotValid': {
    httpStatus: 403, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The param materials is not valid.', messageZh: '请确保提交的材料类型正确性。',
    hint: 'Check every Material.n.MaterialType against the list in the guide.',
  },
  'Error.DuplicatedTicketId': {
    httpStatus: 403, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'A record associated with your ticketId has existed.',
    messageZh: '重复提交。一个 TicketId 参数已经提交,且认证状态为认证中或认证通过时,再次提交会出现此错误。',
    hint: 'This TicketId is already in review or passed; poll GetStatus or start a new task with a new TicketId.',
  },
  'Error.SubmitMaterialsError': {
    httpStatus: 500, kind: 'server', retryable: true, source: 'spec',
    message: 'SubmitMaterials action failed due to internal error.',
    messageZh: '提交处理失败。',
    hint: 'Service-side failure; retried automatically. If it persists, contact support with the RequestId.',
  },
  'Error.MaterialsUploadError': {
    // 500 by the guide, but its cause is almost always the request itself, so a retry cannot help.
    httpStatus: 500, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The materials upload failed.', messageZh: 'SubmitMaterials在上传认证资料中出现错误。',
    hint: 'Check the image values (base64://, http(s)://, oss://bucket:path), keep each image under 2 MB, and use POST.',
  },
  'Error.MaterialsInsufficient': {
    httpStatus: 403, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The number of materials does not meet the requirements for verification.',
    messageZh: '提交认证的材料种类不满足要求。',
    hint: 'Submit every material the Biz scene requires (for RPMin: Name, IdentificationNumber and a face photo).',
  },
  'InvalidParam.RecordNotFound': {
    httpStatus: 404, kind: 'not-found', retryable: false, source: 'spec',
    message: 'There is not record associated with your ticketId.', messageZh: '没有找到和 TicketId 关联的记录。',
    hint: 'Use the same Biz and TicketId as in GetVerifyToken.',
  },
  'Error.GetMaterialsError': {
    httpStatus: 500, kind: 'server', retryable: true, source: 'spec',
    message: 'GetMaterials action failed due to internal error.', messageZh: '查询认证资料过程中出现内部未知错误。',
    hint: 'Service-side failure; retried automatically. If it persists, contact support with the RequestId.',
  },
  'Error.CompareFacesError': {
    httpStatus: 500, kind: 'server', retryable: true, source: 'spec',
    message: 'CompareFaces action failed due to internal error.', messageZh: '人脸比对过程中出现内部未知错误。',
    hint: 'Service-side failure; retried automatically. If it persists, contact support with the RequestId.',
  },
  'InvalidParam.ImageTypeEmpty': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The image type is empty.', messageZh: 'SourceImageType 或者 TargetImageType 字段为空。',
    hint: 'Set SourceImageType and TargetImageType to FacePic or IDPic.',
  },
  'InvalidParam.FacePicNotGiven': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'At least one of the two given images has a type of FacePic.',
    messageZh: '进行比对的两个图片中,至少其中一个图片的类型应该设置为人脸照FacePic。',
    hint: 'Mark at least one of the two images as FacePic.',
  },
  'InvalidParam.ImageValuePatternError': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The pattern of value of given image is not acceptable.', messageZh: '图片地址格式错误。',
    hint: 'Image values must be base64://… (no data: prefix), http(s)://… or oss://bucket:path.',
  },
  'InvalidParam.ImageTypeInvalid': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The image type is not valid.', messageZh: 'SourceImageType / TargetImageType 取值不为 FacePic 或者 IDPic。',
    hint: 'Image types are FacePic or IDPic.',
  },
  'Error.NoFaceDetected': {
    httpStatus: 400, kind: 'no-face', retryable: false, source: 'spec',
    message: 'No face detected from given images.', messageZh: '指定图片中没有检测到人脸。',
    hint: 'Retake the photo facing the camera with good light; check the chip photo decoded correctly.',
  },
  UnsupportedOperation: {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'spec',
    message: 'The specified action is not supported.',
    hint: 'Check Action and Version; GetVerifyToken, SubmitMaterials, GetStatus and GetMaterials exist only up to 2018-09-16.',
  },
  SignatureDoesNotMatch: {
    httpStatus: 400, kind: 'auth', retryable: false, source: 'gateway',
    message: 'Specified signature is not matched with our calculation.',
    hint: 'Check the AccessKey secret; if it is right, the request was altered between signing and sending (proxy, encoding).',
  },
  IncompleteSignature: {
    httpStatus: 400, kind: 'auth', retryable: false, source: 'gateway',
    message: 'The request signature does not conform to Aliyun standards.',
    hint: 'A signature parameter is missing; this is a client bug.',
  },
  'InvalidTimeStamp.Expired': {
    httpStatus: 400, kind: 'clock', retryable: false, source: 'gateway',
    message: 'Specified time stamp or date value is expired.',
    hint: 'The kiosk clock is off by more than 15 minutes; enable NTP and check the time zone.',
  },
  'InvalidTimeStamp.Format': {
    httpStatus: 400, kind: 'clock', retryable: false, source: 'gateway',
    message: 'Specified time stamp or date value is not well formatted.',
    hint: 'Timestamp must be yyyy-MM-ddTHH:mm:ssZ in UTC; this is a client bug.',
  },
  IllegalTimestamp: {
    httpStatus: 400, kind: 'clock', retryable: false, source: 'gateway',
    message: 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.',
    hint: 'Timestamp must be yyyy-MM-ddTHH:mm:ssZ in UTC; this is a client bug.',
  },
  SignatureNonceUsed: {
    httpStatus: 400, kind: 'replay', retryable: false, source: 'gateway',
    message: 'Specified signature nonce was used already.',
    hint: 'A request was replayed with the same SignatureNonce; every request needs a fresh nonce.',
  },
  'InvalidAccessKeyId.NotFound': {
    httpStatus: 404, kind: 'auth', retryable: false, source: 'gateway',
    message: 'Specified access key is not found.',
    hint: 'Check the AccessKey ID in settings (or ALIBABA_CLOUD_ACCESS_KEY_ID); it may have been deleted.',
  },
  'InvalidAccessKeyId.Inactive': {
    httpStatus: 400, kind: 'auth', retryable: false, source: 'gateway',
    message: 'Specified access key is disabled.',
    hint: 'Enable the AccessKey in the RAM console or configure another one.',
  },
  Throttling: {
    httpStatus: 400, kind: 'throttled', retryable: true, source: 'gateway',
    message: 'Request was denied due to flow control.',
    hint: 'Too many requests; retried with backoff. Lower the request rate if it persists.',
  },
  'Throttling.User': {
    httpStatus: 400, kind: 'throttled', retryable: true, source: 'gateway',
    message: 'Request was denied due to user flow control.',
    hint: 'Too many requests for this account; retried with backoff.',
  },
  'Throttling.Api': {
    httpStatus: 400, kind: 'throttled', retryable: true, source: 'gateway',
    message: 'Request was denied due to api flow control.',
    hint: 'Too many requests for this API; retried with backoff.',
  },
  MissingParameter: {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'gateway',
    message: 'A parameter mandatory for this action is not supplied.',
    hint: 'A required parameter is missing; the message names it.',
  },
  'InvalidApi.NotFound': {
    httpStatus: 404, kind: 'invalid-request', retryable: false, source: 'gateway',
    message: 'Specified api is not found, please check your url and method.',
    hint: 'Check Action and Version (and the endpoint).',
  },
  // Where neither the guide nor the gateway docs name a code, our service answers with these.
  RequestBodyTooLarge: {
    httpStatus: 413, kind: 'invalid-request', retryable: false, source: 'renzheng',
    message: 'The request body exceeds 8 MB.',
    hint: 'Downscale the images (at most 2 MB each) or send http(s)/oss references instead of base64.',
  },
  'InvalidParam.ImageNotAcceptable': {
    httpStatus: 400, kind: 'invalid-request', retryable: false, source: 'renzheng',
    message: 'The given image could not be used.',
    hint: 'Keep each image under 2 MB; http(s) images must be reachable from the service on a public address; base64 needs POST.',
  },
};

/** The catalogue entry for a code, also matching families the gateway extends (Throttling.*, Missing*). */
export function lookupError(code: string): CatalogueEntry | undefined {
  const exact = ERROR_CATALOGUE[code];
  if (exact) return exact;
  if (code.startsWith('Throttling')) return ERROR_CATALOGUE.Throttling;
  if (code.startsWith('Missing')) return ERROR_CATALOGUE.MissingParameter;
  return undefined;
}

/** HTTP status the guide gives for this code in this action (server side). */
export function errorStatus(code: string, action?: string): number {
  const entry = lookupError(code);
  if (!entry) return 400;
  return (action && entry.statusByAction?.[action]) || entry.httpStatus;
}
