import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
// The chip photo's BMP format belongs to the ID-card domain; this pure codec is the one deliberate exception to 'idcard types only'.
import { decodeBmp, isBmp } from '../imaging/bmp';
import { CloudauthImageError } from './errors';
import { MAX_BODY_BYTES, MAX_IMAGE_BYTES, toBase64Value } from './image-value';
import { percentEncode } from './percent-encode';

/**
 * An image for a cloudauth parameter: a Buffer, or a string that is a file path, a data: URL,
 * a base64:// value, or an http(s):// / oss://bucket:path URL (URLs pass through untouched).
 */
export type ImageInput = Buffer | string;

export interface PreparedImage {
  /** The parameter value: base64://… or the URL given. */
  value: string;
  /** Encoded image size in bytes (undefined for URLs). */
  bytes?: number;
  width?: number;
  height?: number;
  /** True when the image was decoded and written again as JPEG. */
  reencoded: boolean;
}

export interface PrepareImageOptions {
  /** Largest encoded image; default and ceiling 2 MB (the guide's per-image limit). */
  maxBytes?: number;
  /** Longest side after downscaling; default 1920 px. */
  maxSide?: number;
  /** Below this longest side the image is refused rather than shrunk further; default 64 px. */
  minSide?: number;
  readFile?: (path: string) => Promise<Buffer>;
}

const QUALITIES = [88, 75, 60, 45] as const;
const SHRINK = 0.75;
/** base64 (4/3) then form encoding of + / = (each 3 chars), with margin. */
const FORM_EXPANSION = 1.42;

function imageError(code: string, message: string, hint: string, cause?: unknown): CloudauthImageError {
  return new CloudauthImageError(message, { code, hint, retryable: false, cause });
}

async function loadBytes(input: ImageInput, read: (path: string) => Promise<Buffer>): Promise<Buffer | string> {
  if (Buffer.isBuffer(input)) return input;
  if (/^(https?:\/\/|oss:\/\/)/.test(input)) return input;
  if (input.startsWith('data:')) {
    // The service wants the bare base64 without the "data:image/…;base64," header.
    const m = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w-]+=[\w-]+)*;base64,([A-Za-z0-9+/\s]+={0,2})$/.exec(input);
    if (!m?.[1]) throw imageError('ImageUnreadable', 'The data: URL is not a base64 image.', 'Pass data:image/jpeg;base64,… or a file path.');
    return Buffer.from(m[1], 'base64');
  }
  if (input.startsWith('base64://')) return Buffer.from(input.slice('base64://'.length), 'base64');
  try {
    return await read(input);
  } catch (cause) {
    throw imageError('ImageNotFound', `Cannot read the image file ${input}.`, 'Check the path and permissions.', cause);
  }
}

function isJpeg(b: Buffer): boolean {
  return b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}
function isPng(b: Buffer): boolean {
  return b.length > 8 && b.readUInt32BE(0) === 0x89504e47;
}

function decoderFor(bytes: Buffer): sharp.Sharp {
  if (isBmp(bytes)) {
    const raw = decodeBmp(bytes);
    return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } });
  }
  return sharp(bytes, { failOn: 'error' });
}

/**
 * Makes one image fit the service: keeps a JPEG/PNG that already fits, otherwise re-encodes to
 * JPEG, lowering quality and then size until it is at most maxBytes. Refuses what cannot fit.
 */
export async function prepareImage(input: ImageInput, options: PrepareImageOptions = {}): Promise<PreparedImage> {
  const maxBytes = Math.min(options.maxBytes ?? MAX_IMAGE_BYTES, MAX_IMAGE_BYTES);
  const maxSide = options.maxSide ?? 1920;
  const minSide = options.minSide ?? 64;
  const loaded = await loadBytes(input, options.readFile ?? ((p) => readFile(p)));
  if (typeof loaded === 'string') return { value: loaded, reencoded: false };
  if (loaded.length === 0) throw imageError('ImageUnreadable', 'The image is empty.', 'Capture or select the photo again.');

  let width: number;
  let height: number;
  let orientation: number | undefined;
  try {
    const meta = await decoderFor(loaded).metadata();
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
    orientation = meta.orientation;
  } catch (cause) {
    throw imageError('ImageUnreadable', `The image cannot be decoded (${cause instanceof Error ? cause.message : String(cause)}).`, 'Use a JPEG, PNG or 24-bit BMP file.', cause);
  }
  if (!width || !height) throw imageError('ImageUnreadable', 'The image has no size.', 'Use a JPEG, PNG or 24-bit BMP file.');

  const keepAsIs = (isJpeg(loaded) || isPng(loaded)) && loaded.length <= maxBytes && Math.max(width, height) <= maxSide && (orientation ?? 1) === 1;
  if (keepAsIs) return { value: toBase64Value(loaded), bytes: loaded.length, width, height, reencoded: false };

  let side = Math.min(maxSide, Math.max(width, height));
  while (side >= minSide) {
    for (const quality of QUALITIES) {
      const { data, info } = await decoderFor(loaded)
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality })
        .toBuffer({ resolveWithObject: true });
      if (data.length <= maxBytes) return { value: toBase64Value(data), bytes: data.length, width: info.width, height: info.height, reencoded: true };
    }
    side = Math.floor(side * SHRINK);
  }
  throw imageError(
    'ImageTooLarge',
    `The image (${width}x${height}, ${loaded.length} bytes) cannot be made smaller than ${maxBytes} bytes without going below ${minSide} px.`,
    'Use a smaller or less detailed photo, or pass an http(s)/oss URL instead.',
  );
}

export interface PrepareImagesOptions extends PrepareImageOptions {
  /** Body limit the images share; default 8 MB. */
  maxBodyBytes?: number;
  /** Body bytes already taken by other parameters (names, tokens…). */
  reservedBodyBytes?: number;
}

/**
 * Prepares images that travel in one request so that together they stay under the body limit.
 * The split assumes typical base64 (few + and /); the exact form-encoded size is then checked and
 * the budget tightened if an unusual image encodes larger.
 */
export async function prepareImages(inputs: readonly ImageInput[], options: PrepareImagesOptions = {}): Promise<PreparedImage[]> {
  const budget = (options.maxBodyBytes ?? MAX_BODY_BYTES) - (options.reservedBodyBytes ?? 0) - 64 * inputs.length;
  let perImage = Math.floor(budget / Math.max(1, inputs.length) / FORM_EXPANSION);
  for (let round = 0; round < 4 && perImage > 0; round++) {
    const maxBytes = Math.min(options.maxBytes ?? MAX_IMAGE_BYTES, perImage);
    const prepared = await Promise.all(inputs.map((input) => prepareImage(input, { ...options, maxBytes })));
    const encoded = prepared.reduce((sum, p) => sum + percentEncode(p.value).length, 0);
    if (encoded <= budget) return prepared;
    perImage = Math.floor(perImage * (budget / encoded) * 0.95);
  }
  throw imageError('BodyTooLarge', 'The images cannot share one request body within the limit.', 'Send fewer images per request, or pass http(s)/oss URLs.');
}
