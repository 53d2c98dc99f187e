import { EventBus, type AnyEvent } from '../../../../main/services/events';
import { createLogger } from '../../../../main/services/log';
import { openSamSource, type CardSource } from '../../../../native/sam/card-source';
import { PollingReaderService, type ReaderLoopOptions } from '../../../../main/services/reader/service';
import { SimulatedLink, type SimLinkOptions } from '../../../../native/sam/simulated-link';
import { SamDeviceSim, type SamDeviceOptions, type SimCard } from '../../../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticWlt, type SyntheticCard } from '../../../../idcard/synthetic';

// Short enough to keep the suite quick, long enough that a busy shared machine does not fake a timeout.
export const FAST_TIMEOUTS = { status: 250, find: 250, select: 250, read: 400, readFingerprints: 500, reset: 250 };
export const DRAIN_MS = 150;

export function simCard(card: SyntheticCard = sampleCards.resident): SimCard {
  return { text: buildCardText(card), photo: syntheticWlt(), fingerprints: null };
}

/** A reader service over the SAM simulator with test-speed timings, recording every event. */
export function rig(opts: { device?: SamDeviceOptions; link?: SimLinkOptions; loop?: Partial<ReaderLoopOptions> } = {}) {
  const bus = new EventBus();
  const events: AnyEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const device = new SamDeviceSim(opts.device);
  const link = new SimulatedLink(device, opts.link);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const sources: CardSource[] = [];
  const service = new PollingReaderService({
    bus,
    connect: async () => {
      const source = await openSamSource(link.transport(), { timeouts: FAST_TIMEOUTS, drainMs: DRAIN_MS });
      sources.push(source);
      return source;
    },
    pollIntervalMs: 5,
    healthIntervalMs: 60_000,
    backoff: { initialMs: 20, maxMs: 80 },
    logger,
    ...opts.loop,
  });
  const of = <E extends AnyEvent['event']>(name: E) => events.filter((e) => e.event === name).map((e) => e.payload) as Extract<AnyEvent, { event: E }>['payload'][];
  async function until(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map((e) => [e.event, 'code' in e.payload ? e.payload.code : 'state' in e.payload ? e.payload.state : '']))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return { bus, events, device, link, service, logs, of, until, sources };
}
