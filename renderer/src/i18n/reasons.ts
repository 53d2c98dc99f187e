import type { Language, VerifyReason } from '../../../contract';

/**
 * What the person reads for each reason a verification did not pass. Typed as a full record, so
 * a reason added to the contract does not compile until it is translated here; the provider's
 * own message (English, for the operator) is never the headline.
 */
const reasons: Record<VerifyReason, Record<Language, string>> = {
  'face-mismatch': { 'zh-CN': '人脸与证件照片不一致', en: 'The face does not match the card photo' },
  'liveness-failed': { 'zh-CN': '活体检测未通过', en: 'Liveness check failed' },
  'no-face': { 'zh-CN': '未检测到清晰的人脸，请正对摄像头重试', en: 'No clear face was found: look straight at the camera and try again' },
  'image-invalid': { 'zh-CN': '照片无法使用，请重试', en: 'The photo could not be used: please try again' },
  'no-chip-photo': { 'zh-CN': '无法解码证件照片，无法进行人脸比对', en: 'The card photo cannot be decoded, so faces cannot be compared' },
  'capture-again': { 'zh-CN': '照片不够清晰或角度过大，无法比对，请正对镜头重新拍摄', en: 'The photo is too small, blurred or turned to compare: look straight at the camera and try again' },
  'chip-photo-unusable': { 'zh-CN': '证件照片无法用于比对，请联系工作人员人工核验', en: 'The card photo cannot be used for comparison: please ask staff for a manual check' },
  'threshold-unavailable': { 'zh-CN': '比对服务配置有误，请联系工作人员', en: 'The comparison service is misconfigured: please call staff' },
  'provider-unavailable': { 'zh-CN': '比对服务暂不可用，请联系工作人员', en: 'The comparison service is unavailable: please call staff' },
  'provider-failed': { 'zh-CN': '比对服务出错，请重试或联系工作人员', en: 'The comparison service failed: try again or call staff' },
  cancelled: { 'zh-CN': '核验已取消', en: 'The verification was cancelled' },
  interrupted: { 'zh-CN': '核验被中断，请重试', en: 'The verification was interrupted: please try again' },
};

export function reasonText(language: Language, reason: VerifyReason): string {
  return reasons[reason][language];
}
