/** Limits from the guide's "关于上传图片地址的说明": 2 MB per image, 8 MB per request body. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export type ImageValueKind = 'base64' | 'http' | 'oss';

const BASE64_VALUE = /^base64:\/\/([A-Za-z0-9+/]+={0,2})$/;
const HTTP_VALUE = /^https?:\/\/\S+$/;
const OSS_VALUE = /^oss:\/\/[^:\s/]+:\S+$/;

/** Which of the three accepted forms a value is, or undefined (InvalidParam.ImageValuePatternError). */
export function imageValueKind(value: string): ImageValueKind | undefined {
  if (value.startsWith('base64://')) return BASE64_VALUE.test(value) ? 'base64' : undefined;
  if (HTTP_VALUE.test(value)) return 'http';
  if (OSS_VALUE.test(value)) return 'oss';
  return undefined;
}

/** Decoded size of a base64:// value without decoding it. */
export function base64ValueBytes(value: string): number {
  const payload = value.slice('base64://'.length);
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return Math.floor((payload.length * 3) / 4) - padding;
}

export function toBase64Value(bytes: Buffer): string {
  return `base64://${bytes.toString('base64')}`;
}
