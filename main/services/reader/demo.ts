import { readFileSync } from 'node:fs';
import { buildCardText, makeIdNumber, type SyntheticCard } from '../../../idcard/synthetic';
import type { VendorReaderLike } from '../../../native/sam/card-source';
import type { SimulatorControl } from './service';

/** An invented identity; the number has a valid check character but belongs to nobody on record. */
export const DEMO_IDENTITY: SyntheticCard = {
  type: 'resident',
  name: '演示用户',
  sex: '2',
  nation: '01',
  birth: '19950618',
  address: '北京市海淀区演示路1号',
  idNumber: makeIdNumber('110108', '19950618', '024'),
  issuer: '北京市公安局海淀分局',
  validFrom: '20200618',
  validUntil: '20400618',
};

export const DEMO_PHOTO_FILE = 'resources/demo/chip-photo.bmp';

/**
 * The demo reader: behaves like a vendor-SDK reader (decoded text block and BMP, "no card"
 * while the card rests after a read) so the kiosk runs end to end with no hardware.
 */
export class DemoReader implements VendorReaderLike, SimulatorControl {
  private state: 'none' | 'present' | 'halted' = 'none';
  private opened = false;

  constructor(
    private readonly photoBmp: Buffer,
    private readonly identity: SyntheticCard = DEMO_IDENTITY,
  ) {}

  static fromFile(path: string, identity?: SyntheticCard): DemoReader {
    return new DemoReader(readFileSync(path), identity);
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async readCard(): Promise<{ text: Uint8Array; photoBmp: Buffer | null; fingerprints: Uint8Array | null } | null> {
    if (!this.opened) throw new Error('the demo reader is not open');
    if (this.state !== 'present') return null;
    this.state = 'halted';
    return { text: buildCardText(this.identity), photoBmp: this.photoBmp.length ? Buffer.from(this.photoBmp) : null, fingerprints: null };
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  present(): void {
    this.state = 'present';
  }

  remove(): void {
    this.state = 'none';
  }
}
