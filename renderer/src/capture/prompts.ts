import type { Language } from '../../../contract';
import type { PromptKey } from '../../../capture/guidance';

/**
 * What the capture screen says, on screen and aloud. Short: a person reads it in one glance
 * while looking at the camera. Kept apart from the app strings because only capture uses them.
 */
const zh: Record<PromptKey, string> = {
  'loading': '正在准备人脸检测…',
  'no-face': '请站到摄像头前',
  'multiple-faces': '请确保画面中只有您一人',
  'too-far': '请靠近一点',
  'too-close': '请离远一点',
  'off-centre': '请把脸移到框内',
  'turned': '请正对摄像头',
  'tilted': '请平视摄像头',
  'eyes-closed': '请睁开眼睛',
  'too-dark': '光线太暗，请面向光源',
  'too-bright': '光线太强，请避开强光',
  'blurry': '请保持不动',
  'hold-still': '请保持不动',
  'challenge-blink': '请眨眨眼',
  'challenge-turn-left': '请慢慢向左转头',
  'challenge-turn-right': '请慢慢向右转头',
  'challenge-open-mouth': '请张张嘴',
  'done': '拍摄完成',
  'timed-out': '未能完成拍摄',
};

const en: Record<PromptKey, string> = {
  'loading': 'Preparing face detection…',
  'no-face': 'Please stand in front of the camera',
  'multiple-faces': 'Only one person in view, please',
  'too-far': 'Come a little closer',
  'too-close': 'Move back a little',
  'off-centre': 'Move your face into the frame',
  'turned': 'Face the camera',
  'tilted': 'Look straight ahead',
  'eyes-closed': 'Please open your eyes',
  'too-dark': 'Too dark: face the light',
  'too-bright': 'Too bright: avoid strong light',
  'blurry': 'Hold still',
  'hold-still': 'Hold still',
  'challenge-blink': 'Please blink',
  'challenge-turn-left': 'Slowly turn your head to your left',
  'challenge-turn-right': 'Slowly turn your head to your right',
  'challenge-open-mouth': 'Please open your mouth',
  'done': 'Photo taken',
  'timed-out': 'The photo could not be taken',
};

const table: Record<Language, Record<PromptKey, string>> = { 'zh-CN': zh, en };

export function promptText(language: Language, key: PromptKey): string {
  return table[language][key];
}

/** Honest one-liner shown under the camera: what the liveness check is and is not. */
export const LIVENESS_NOTE: Record<Language, string> = {
  'zh-CN': '活体检测可拦截静态照片，但无法保证识别视频回放、面具等攻击；如有疑问请工作人员人工核验。',
  en: 'The liveness check stops still photos, but cannot promise to catch video replays or masks; staff can verify in person.',
};
