import type { Language } from '../../../contract';

/**
 * What the person at the counter reads for each error code the flow can show. The raw message
 * (English, for the operator) is shown smaller underneath; codes without an entry fall back to
 * a generic sentence so nothing untranslated becomes the headline.
 */
const messages: Record<string, Record<Language, string>> = {
  'camera-not-found': { 'zh-CN': '未找到摄像头，请联系工作人员', en: 'No camera was found: please call staff' },
  'camera-busy': { 'zh-CN': '摄像头被占用或无法启动，请联系工作人员', en: 'The camera is busy or failed to start: please call staff' },
  'camera-denied': { 'zh-CN': '未获得摄像头权限，请联系工作人员', en: 'Camera access was refused: please call staff' },
  'camera-ended': { 'zh-CN': '摄像头已断开，请联系工作人员', en: 'The camera was disconnected: please call staff' },
  'camera-failed': { 'zh-CN': '摄像头无法工作，请联系工作人员', en: 'The camera is not working: please call staff' },
  'face-engine-unavailable': { 'zh-CN': '人脸检测无法启动，请联系工作人员', en: 'Face detection could not start: please call staff' },
  'face-detection-failed': { 'zh-CN': '人脸检测出错，请重试', en: 'Face detection failed: please try again' },
  'challenge-failed': { 'zh-CN': '无法开始活体检测，请重试', en: 'The liveness check could not start: please try again' },
  'submit-failed': { 'zh-CN': '照片提交失败，请重试', en: 'The photo could not be submitted: please try again' },
  'capture-timeout': { 'zh-CN': '未能完成拍摄，请重试', en: 'The photo could not be taken in time: please try again' },
  'card-unsupported': { 'zh-CN': '这不是可识别的身份证件', en: 'This card is not a supported ID card' },
  'card-read-failed': { 'zh-CN': '读卡失败，请拿起证件后重新放置', en: 'The card could not be read: lift it and place it again' },
  'card-invalid': { 'zh-CN': '证件信息校验失败，请联系工作人员', en: 'The card data failed its checks: please call staff' },
  'sam-fault': { 'zh-CN': '读卡器安全模块故障，请联系工作人员', en: 'Card reader security module fault: please call staff' },
  'verify-timeout': { 'zh-CN': '核验超时，没有收到结果，请重试或联系工作人员', en: 'No verdict came in time: try again or call staff' },
  'demo-photo-failed': { 'zh-CN': '未能拍到清晰的面部照片，请重试', en: 'No clear face photo could be taken: please try again' },
  unavailable: { 'zh-CN': '服务暂不可用，请联系工作人员', en: 'The kiosk service is unavailable: please call staff' },
};

const generic: Record<Language, string> = { 'zh-CN': '出现问题，请联系工作人员', en: 'Something went wrong: please call staff' };

export function errorText(language: Language, code: string): string {
  return messages[code]?.[language] ?? generic[language];
}

export const LOCALISED_ERROR_CODES = Object.keys(messages);
