import { ContractError, type CardPublic, type ReaderStatus } from '../../contract';
import type { EventBus } from '../../main/services/events';
import type { ChipPhoto, HeldCard, ReaderService } from '../../main/services/reader/types';

/**
 * A reader double for shell and flow tests: `simulate('present')` emits a synthetic card the
 * way the real ReaderService does. The SAM protocol itself is tested against the simulator.
 */
export class FakeReader implements ReaderService {
  private held: HeldCard | undefined;
  private counter = 0;
  constructor(
    private readonly bus: EventBus,
    private readonly photo: ChipPhoto | null = null,
    private readonly statusValue: ReaderStatus = { state: 'simulated', transport: 'simulator', description: 'fake reader', canSimulate: true },
  ) {}

  async start(): Promise<void> {
    this.bus.emit('reader.status', this.statusValue);
  }
  async stop(): Promise<void> {}
  status(): ReaderStatus {
    return this.statusValue;
  }
  async simulate(action: 'present' | 'remove'): Promise<void> {
    if (!this.statusValue.canSimulate) throw new ContractError({ code: 'unavailable', message: 'no simulator' });
    if (action === 'remove') {
      if (this.held) this.bus.emit('reader.cardRemoved', { cardId: this.held.cardId });
      return;
    }
    const cardId = `card-${++this.counter}`;
    const pub: CardPublic = {
      cardId,
      type: 'resident',
      name: '测试样例',
      sex: 'female',
      idNumberMasked: '110105********002X',
      validUntil: '2040-01-01',
      expired: false,
      photo: this.photo ? { mime: this.photo.mime, base64: this.photo.bytes.toString('base64') } : null,
      warnings: [],
    };
    this.held = { cardId, public: pub, identity: { type: 'resident', name: '测试样例', idNumber: '11010519491231002X' }, photo: this.photo, readAt: Date.now() };
    this.bus.emit('reader.card', pub);
  }
  heldCard(cardId: string): HeldCard | undefined {
    return this.held?.cardId === cardId ? this.held : undefined;
  }
  forget(): void {
    this.held = undefined;
  }
}
