import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { CardPublic } from '../../../contract';
import { encodeBmp24 } from '../../../imaging/bmp';
import { maskIdNumber } from '../../../idcard/id-number';
import { DEMO_IDENTITY } from '../reader/demo';
import type { HeldCard } from '../reader/types';

/** A chip photo's size in pixels (GA 490: 102 wide, 126 high, 24-bit, what a WLT decoder hands out). */
export const CHIP_PHOTO_WIDTH = 102;
export const CHIP_PHOTO_HEIGHT = 126;
/** The marker a demo card carries in CardPublic.warnings; screens show it as "demo card". */
export const DEMO_CARD_WARNING = 'demo-card';

/**
 * Turns the capture's square crop (face centred, 60% margin each side: see capture/crop.ts) into a
 * 102×126 chip-like photo: the central part at the chip photo's aspect, head and shoulders like on a card.
 */
export async function chipPhotoFromCapture(jpeg: Buffer): Promise<Buffer> {
  const image = sharp(jpeg).rotate();
  const meta = await image.metadata();
  const side = Math.min(meta.width ?? 0, meta.height ?? 0);
  if (side < 64) throw new RangeError(`the demo photo is too small (${meta.width}×${meta.height}); take it again closer to the camera`);
  // The face spans about 1/(1 + 2·0.6) ≈ 45% of the crop; a chip photo's face spans about 60% of its width.
  const width = Math.round(side * 0.72);
  const height = Math.min(side, Math.round((width * CHIP_PHOTO_HEIGHT) / CHIP_PHOTO_WIDTH));
  const left = Math.round(((meta.width ?? side) - width) / 2);
  const top = Math.round(((meta.height ?? side) - height) / 2);
  const { data, info } = await image
    .extract({ left, top, width, height })
    .resize(CHIP_PHOTO_WIDTH, CHIP_PHOTO_HEIGHT)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return encodeBmp24({ width: info.width, height: info.height, data });
}

/**
 * "Use my face as the card": demo cards made from a camera frame, held beside the reader's cards
 * so the verification finds them by cardId. They carry the demo identity and the demo marker.
 */
export class DemoFaceCards {
  private held: HeldCard | undefined;

  async present(jpeg: Buffer, now = Date.now()): Promise<HeldCard> {
    const bmp = await chipPhotoFromCapture(jpeg);
    const cardId = `demo-${randomUUID()}`;
    const identity = { type: 'resident' as const, name: DEMO_IDENTITY.name ?? '演示用户', idNumber: DEMO_IDENTITY.idNumber ?? '' };
    const pub: CardPublic = {
      cardId,
      type: 'resident',
      name: identity.name,
      sex: 'unknown',
      idNumberMasked: maskIdNumber(identity.idNumber),
      validUntil: 'demo',
      expired: false,
      photo: { mime: 'image/bmp', base64: bmp.toString('base64') },
      warnings: [DEMO_CARD_WARNING],
    };
    const held: HeldCard = { cardId, public: pub, identity, photo: { mime: 'image/bmp', bytes: bmp }, readAt: now };
    this.held = held;
    return held;
  }

  heldCard(cardId: string): HeldCard | undefined {
    return this.held?.cardId === cardId ? this.held : undefined;
  }

  forget(): void {
    this.held = undefined;
  }
}
