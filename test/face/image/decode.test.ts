import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, MAX_INPUT_PIXELS, MAX_SIDE } from '../../../face/image/decode';

describe('decodeImage', () => {
  it('shrinks a large photo to MAX_SIDE on its long side, keeping the aspect', async () => {
    const png = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080' } }).png().toBuffer();
    const image = await decodeImage(png);
    expect([image.width, image.height]).toEqual([MAX_SIDE, 1440]);
    expect(image.data.length).toBe(MAX_SIDE * 1440 * 3);
  });

  it('refuses an image over the pixel limit with its size, not a decoding error', async () => {
    const side = Math.ceil(Math.sqrt(MAX_INPUT_PIXELS)) + 1;
    const png = await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } }).png({ compressionLevel: 1 }).toBuffer();
    await expect(decodeImage(png)).rejects.toMatchObject({
      code: 'InvalidParam.ImageValuePatternError',
      message: `The image is too large (${side}x${side} pixels, more than 50 megapixels); send a smaller photo.`,
    });
  });

  it("names the decoder's complaint for a truncated JPEG", async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    await expect(decodeImage(jpeg.subarray(0, jpeg.length >> 1))).rejects.toMatchObject({
      code: 'InvalidParam.ImageValuePatternError',
      message: expect.stringMatching(/could not be decoded \(.+\); send a JPEG, PNG or 24-bit BMP/),
    });
  });
});
