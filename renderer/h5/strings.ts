import type { Language } from '../../contract';

/** Every sentence of the H5 page, zh-CN and English. */
const zh = {
  title: '实人认证',
  switchLanguage: 'English',
  intro: '为确认是您本人在操作，需要用手机摄像头拍摄您的面部，并与您的证件照片比对。',
  whoLabel: '认证对象',
  collectTitle: '我们会收集什么',
  collectFace: '一张您的面部照片（拍摄中自动挑选最清晰的一帧）',
  collectLiveness: '活体检测结果（分数，不含视频）',
  whyTitle: '用途',
  why: '仅用于本次身份核验：与证件照片比对后给出结果。照片加密保存，到期自动删除；不会发送给任何第三方。',
  consent: '我同意拍摄并用于本次核验',
  decline: '不同意',
  declined: '您没有同意，本次认证未进行。如需认证，请重新打开链接。',
  starting: '正在准备…',
  uploading: '正在核验，请稍候…',
  pass: '认证通过',
  passDetail: '已确认是您本人。您可以关闭此页面。',
  fail: '认证未通过',
  failFaceMismatch: '拍摄的面部与证件照片不一致。',
  failLiveness: '活体检测未通过。请在光线充足处、本人正对摄像头重新认证。',
  failNoFace: '照片中未检测到清晰的面部。',
  review: '已提交，等待人工审核',
  error: '出现问题',
  retryHint: '请回到发起认证的应用重新获取链接。',
  problemExpired: '认证链接已过期。',
  problemSpent: '此认证链接已使用过。',
  problemInvalid: '认证链接无效。',
  problemChallenge: '本次拍摄已超时或已提交过，请重新打开链接。',
  problemDraws: '尝试次数过多。',
  problemCamera: '无法使用摄像头。请允许本页面使用摄像头后重试。',
  problemTimeout: '未能在规定时间内完成拍摄。',
  problemBusy: '服务繁忙，请稍后再试。',
  problemOther: '核验未能完成。',
} as const;

export type StringKey = keyof typeof zh;

const en: Record<StringKey, string> = {
  title: 'Identity verification',
  switchLanguage: '中文',
  intro: 'To confirm that it is really you, we take a photo of your face with this phone’s camera and compare it with your ID photo.',
  whoLabel: 'Verifying',
  collectTitle: 'What we collect',
  collectFace: 'One photo of your face (the sharpest frame is picked automatically)',
  collectLiveness: 'The liveness check’s scores (no video)',
  whyTitle: 'Why',
  why: 'Only for this verification: compared with your ID photo to give a result. The photo is stored encrypted and deleted when its retention ends; it is never sent to anyone else.',
  consent: 'I agree to the photo being taken and used for this verification',
  decline: 'I do not agree',
  declined: 'You did not agree, so nothing was verified. Open the link again if you want to verify.',
  starting: 'Getting ready…',
  uploading: 'Verifying, please wait…',
  pass: 'Verified',
  passDetail: 'It is you. You can close this page.',
  fail: 'Not verified',
  failFaceMismatch: 'The face in the photo does not match the ID photo.',
  failLiveness: 'The liveness check did not pass. Try again in good light, facing the camera yourself.',
  failNoFace: 'No clear face was found in the photo.',
  review: 'Submitted; waiting for a manual review',
  error: 'Something went wrong',
  retryHint: 'Go back to the app that sent you here and ask for a new link.',
  problemExpired: 'This verification link has expired.',
  problemSpent: 'This verification link was used already.',
  problemInvalid: 'This verification link is not valid.',
  problemChallenge: 'The capture took too long or was sent already; open the link again.',
  problemDraws: 'Too many attempts with this link.',
  problemCamera: 'The camera cannot be used. Allow this page to use the camera and try again.',
  problemTimeout: 'The photo could not be taken in time.',
  problemBusy: 'The service is busy; try again in a moment.',
  problemOther: 'The verification could not be completed.',
};

const table: Record<Language, Record<StringKey, string>> = { 'zh-CN': zh, en };

export function translate(language: Language, key: StringKey): string {
  return table[language][key];
}

/** The phone's language decides the first view; the switch is always there. */
export function initialLanguage(languages: readonly string[]): Language {
  return languages.some((l) => l.toLowerCase().startsWith('zh')) || languages.length === 0 ? 'zh-CN' : 'en';
}

/** The sentence for a problem code from the service or the capture (the English detail is shown below it). */
export function problemKey(code: string): StringKey {
  if (code === 'expired') return 'problemExpired';
  if (code === 'spent' || code === 'decided') return 'problemSpent';
  if (code === 'invalid') return 'problemInvalid';
  if (code === 'challenge') return 'problemChallenge';
  if (code === 'draws') return 'problemDraws';
  if (code === 'busy') return 'problemBusy';
  if (code === 'capture-timeout') return 'problemTimeout';
  if (code.startsWith('camera-')) return 'problemCamera';
  return 'problemOther';
}
