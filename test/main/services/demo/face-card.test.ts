import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bmpInfo } from '../../../../imaging/bmp';
import { CHIP_PHOTO_HEIGHT, CHIP_PHOTO_WIDTH, DEMO_CARD_WARNING, DemoFaceCards, chipPhotoFromCapture } from '../../../../main/services/demo/face-card';
import { repoRoot } from '../../../support/test-kiosk';

const capture = () => sharp(readFileSync(join(repoRoot, 'test/fixtures/camera/person-linda.jpg'))).extract({ left: 300, top: 0, width: 520, height: 520 }).jpeg().toBuffer();

describe('"use my face as the card"', () => {
  it('turns the capture crop into a 102×126 24-bit BMP, the shape a WLT decoder hands out', async () => {
    const bmp = await chipPhotoFromCapture(await capture());
    expect(bmpInfo(bmp)).toEqual({ width: CHIP_PHOTO_WIDTH, height: CHIP_PHOTO_HEIGHT, bitsPerPixel: 24 });
  });

  it('holds a demo card that is marked as a demo, with a masked synthetic identity, until forgotten', async () => {
    const cards = new DemoFaceCards();
    const card = await cards.present(await capture());
    expect(card.public.warnings).toContain(DEMO_CARD_WARNING);
    expect(card.public.idNumberMasked).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(card.public.photo?.mime).toBe('image/bmp');
    expect(cards.heldCard(card.cardId)).toBe(card);
    cards.forget();
    expect(cards.heldCard(card.cardId)).toBeUndefined();
  });

  it('refuses a photo too small to be a face', async () => {
    const tiny = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#888' } }).jpeg().toBuffer();
    await expect(chipPhotoFromCapture(tiny)).rejects.toThrow(/too small/);
  });
});
