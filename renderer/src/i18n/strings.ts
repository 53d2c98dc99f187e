import type { Language } from '../../../contract';

/** Every string the person or operator sees, in both languages from the start. */
const zh = {
  appTitle: '人证核验',
  attractTitle: '请将身份证放在读卡区',
  attractHint: '放好后请勿移动证件，读卡约需 1 秒',
  simulateCard: '模拟放卡（演示模式）',
  demoBadge: '演示模式：未连接读卡器',
  readerSearching: '正在查找读卡器…',
  readerFault: '读卡器故障，请联系工作人员',
  cardReadTitle: '读卡成功',
  cardExpired: '证件已过有效期',
  noChipPhoto: '无法解码证件照片，无法进行人脸比对',
  consentTitle: '人脸比对授权',
  consentBody: '我们将拍摄您的面部照片，与身份证芯片照片比对，用于核验本人身份。照片仅用于本次核验，不会保存。',
  consentAccept: '同意并开始',
  consentDecline: '不同意',
  captureTitle: '请正视摄像头',
  cameraStarting: '正在打开摄像头…',
  cameraUnavailable: '摄像头不可用，请联系工作人员',
  verifyingTitle: '正在核验…',
  resultPass: '核验通过',
  resultFail: '核验未通过',
  resultError: '无法完成核验',
  resultScore: '相似度',
  resultLiveness: '活体检测未通过',
  resultMismatch: '人脸与证件照片不一致',
  resultCaptureAgain: '照片不够清晰或角度过大，无法比对，请正对镜头重新拍摄',
  errorTitle: '出现问题',
  tryAgain: '返回首页',
  languageSwitch: 'English',
  stageQueued: '排队中',
  stagePreparing: '准备图像',
  stageComparing: '比对中',
  stageSubmitting: '提交中',
  stagePolling: '等待结果',
  stageDone: '完成',
} as const;

export type StringKey = keyof typeof zh;

const en: Record<StringKey, string> = {
  appTitle: 'ID Verification',
  attractTitle: 'Place your ID card on the reader',
  attractHint: 'Keep the card still; reading takes about a second',
  simulateCard: 'Simulate a card (demo mode)',
  demoBadge: 'Demo mode: no card reader attached',
  readerSearching: 'Looking for the card reader…',
  readerFault: 'Card reader fault: please call staff',
  cardReadTitle: 'Card read',
  cardExpired: 'This card has expired',
  noChipPhoto: 'The card photo cannot be decoded, so faces cannot be compared',
  consentTitle: 'Consent to face comparison',
  consentBody: 'We will take a photo of your face and compare it with the photo on your ID card chip to confirm your identity. The photo is used for this check only and is not kept.',
  consentAccept: 'Agree and start',
  consentDecline: 'Decline',
  captureTitle: 'Look at the camera',
  cameraStarting: 'Starting the camera…',
  cameraUnavailable: 'The camera is unavailable: please call staff',
  verifyingTitle: 'Verifying…',
  resultPass: 'Verified',
  resultFail: 'Not verified',
  resultError: 'Could not verify',
  resultScore: 'Similarity',
  resultLiveness: 'Liveness check failed',
  resultMismatch: 'The face does not match the card photo',
  resultCaptureAgain: 'The photo is too small, blurred or turned to compare; please look straight at the camera and try again',
  errorTitle: 'Something went wrong',
  tryAgain: 'Back to start',
  languageSwitch: '中文',
  stageQueued: 'Queued',
  stagePreparing: 'Preparing images',
  stageComparing: 'Comparing',
  stageSubmitting: 'Submitting',
  stagePolling: 'Waiting for the result',
  stageDone: 'Done',
};

export const strings: Record<Language, Record<StringKey, string>> = { 'zh-CN': zh, en };

export function translate(language: Language, key: StringKey): string {
  return strings[language][key];
}
