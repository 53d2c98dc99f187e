import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SamDeviceSim } from '../../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticWlt } from '../../../idcard/synthetic';
import { TransportError, type Transport } from '../../../native/transport';
import type { WltDecoderConfig } from '../../../native/wlt/types';
import type { ChildLauncher } from '../../../native/vendor/launcher';
import type { EventBus } from '../events';
import { openSamSource, VendorCardSource, type CardSource, type CommandTimeouts } from '../../../native/sam/card-source';
import { DEMO_PHOTO_FILE, DemoReader } from './demo';
import { nativeHardware, type ReaderHardware, type WltDecoderLike } from '../../../native/sam/hardware';
import { silentLogger, type Logger } from '../log';
import { PollingReaderService, type SimulatorControl } from './service';
import { SimulatedLink } from '../../../native/sam/simulated-link';
import type { ReaderService } from './types';

export type ReaderMode = 'auto' | 'simulated' | 'sam-simulator' | 'serial' | 'hid' | 'usb' | 'vendor';

export interface ReaderServiceOptions {
  bus: EventBus;
  /**
   * auto: the configured serial path, else the first plugged-in known reader that answers SAM
   * status, else the demo reader. simulated: the demo reader (vendor-SDK style, decoded photo).
   * sam-simulator: the SAM simulator over an in-memory link, through the full frame codec.
   */
  mode: ReaderMode;
  serialPath?: string;
  baudRate?: number;
  hid?: { vendorId: number; productId: number; path?: string };
  usb?: { vendorId: number; productId: number };
  vendorLibrary?: string;
  /** SDK port number for the vendor reader: 1-16 COM, 1001-1016 USB (default 1001). */
  vendorPort?: number;
  /** A vendor WLT decoder library (see native/wlt/types.ts); without one, cards have no photo. */
  wltDecoder?: WltDecoderConfig;
  /** Read fingerprints too (30 10). */
  fingerprints?: boolean;
  pollIntervalMs?: number;
  healthIntervalMs?: number;
  timeouts?: Partial<CommandTimeouts>;
  /** The demo chip photo (a 102×126 BMP); defaults to resources/demo/chip-photo.bmp under the cwd. */
  demoPhotoPath?: string;
  logger?: Logger;
  /** Reconnect as soon as a reader is plugged in instead of at the next backoff step (default true). */
  watchHotplug?: boolean;
  /** Replace parts of the native layer (tests, CLI). */
  hardware?: Partial<ReaderHardware>;
  /** Starts the vendor SDK / WLT decoder child; child_process.fork when absent, a utility process under Electron. */
  childLauncher?: ChildLauncher;
}

const DEFAULT_HID = { vendorId: 0x2b8b, productId: 0x2721 };
const DEFAULT_USB = { vendorId: 0x0400, productId: 0xc35a };

/** How one reader mode finds its reader; the poll loop, decoder and watcher are the same for all. */
interface ReaderPlan {
  connect(): Promise<CardSource>;
  /** The simulated card's control while one is in use (auto mode learns it only on connect). */
  simulator(): SimulatorControl | undefined;
  /** What a hot-plugged device means in this mode; absent: the mode does not watch. */
  onAttach?(service: PollingReaderService): void;
}

interface PlanContext {
  opts: ReaderServiceOptions;
  hw: ReaderHardware;
  log: Logger;
  /** Open a SAM reader on a transport with the configured timeouts. */
  openSam(transport: Transport, extra?: { probeTimeoutMs?: number; kind?: CardSource['kind'] }): Promise<CardSource>;
}

const retry = (service: PollingReaderService) => service.retryNow();

function demoReader(ctx: PlanContext): { control: DemoReader; connect(): Promise<CardSource> } {
  const control = new DemoReader(loadDemoPhoto(ctx.opts.demoPhotoPath, ctx.log));
  return {
    control,
    async connect() {
      const source = new VendorCardSource(control, 'demo reader (simulated, synthetic identity)', 'simulator');
      await source.open();
      return source;
    },
  };
}

const plans: Record<ReaderMode, (ctx: PlanContext) => ReaderPlan> = {
  simulated(ctx) {
    const demo = demoReader(ctx);
    return { connect: demo.connect, simulator: () => demo.control };
  },
  'sam-simulator'(ctx) {
    const device = new SamDeviceSim({ card: null, resetRecovers: true });
    const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };
    const link = new SimulatedLink(device);
    const control = { present: () => device.present(card), remove: () => device.remove() };
    return { connect: () => ctx.openSam(link.transport(), { kind: 'simulator' }), simulator: () => control };
  },
  serial(ctx) {
    const path = ctx.opts.serialPath;
    if (!path) throw new TypeError("reader mode 'serial' needs serialPath (e.g. /dev/ttyUSB0)");
    return { connect: () => ctx.openSam(ctx.hw.serial(path, ctx.opts.baudRate)), simulator: () => undefined, onAttach: retry };
  },
  hid(ctx) {
    return { connect: () => ctx.openSam(ctx.hw.hid(ctx.opts.hid ?? DEFAULT_HID)), simulator: () => undefined, onAttach: retry };
  },
  usb(ctx) {
    return { connect: () => ctx.openSam(ctx.hw.usb(ctx.opts.usb ?? DEFAULT_USB)), simulator: () => undefined, onAttach: retry };
  },
  vendor({ opts, hw }) {
    const library = opts.vendorLibrary;
    if (!library) throw new TypeError("reader mode 'vendor' needs vendorLibrary (path to the SDK .so/.dll)");
    const description = `vendor SDK ${library.split(/[\\/]/).pop()}`;
    return {
      async connect() {
        const reader = await hw.vendor({
          library,
          ...(opts.vendorPort ? { port: opts.vendorPort } : {}),
          fingerprints: opts.fingerprints ?? false,
          ...(opts.childLauncher ? { launcher: opts.childLauncher } : {}),
        });
        const source = new VendorCardSource(reader, description);
        await source.open();
        return source;
      },
      simulator: () => undefined,
    };
  },
  auto(ctx) {
    if (ctx.opts.serialPath) return plans.serial(ctx);
    // A reader found is reconnected to after unplugs; none found → the demo, until a reader is
    // plugged in (onAttach), when the scan runs again.
    const demo = demoReader(ctx);
    let chosen: (() => Promise<CardSource>) | null = null;
    return {
      simulator: () => (chosen === demo.connect ? demo.control : undefined),
      onAttach(service) {
        if (chosen !== demo.connect) return service.retryNow();
        chosen = null;
        service.requestReconnect();
      },
      async connect() {
        if (chosen) return chosen();
        for (const candidate of await ctx.hw.scan().catch(() => [])) {
          try {
            const source = await ctx.openSam(candidate.open(), { probeTimeoutMs: 500 });
            ctx.log.info('reader found', { kind: candidate.kind, id: candidate.id });
            chosen = () => ctx.openSam(candidate.open());
            return source;
          } catch (error) {
            ctx.log.info('not a SAM reader', { kind: candidate.kind, id: candidate.id, error: String(error) });
          }
        }
        ctx.log.info('no reader found; using the demo reader');
        chosen = demo.connect;
        return demo.connect();
      },
    };
  },
};

/** The reader service for the kiosk; call start() once the shells subscribe to the bus. */
export function createReaderService(opts: ReaderServiceOptions): ReaderService {
  const hw: ReaderHardware = { ...nativeHardware, ...opts.hardware };
  const log = opts.logger ?? silentLogger;
  const plan = plans[opts.mode]({
    opts,
    hw,
    log,
    openSam: (transport, extra = {}) =>
      openSamSource(transport, {
        fingerprints: opts.fingerprints,
        timeouts: extra.probeTimeoutMs ? { ...opts.timeouts, status: extra.probeTimeoutMs } : opts.timeouts,
        kind: extra.kind,
      }),
  });

  // The vendor decoder (a child process) starts on the first photo and ends with the service.
  let decoder: Promise<WltDecoderLike> | null = null;
  const wlt = opts.wltDecoder && { ...opts.wltDecoder, ...(opts.childLauncher ? { launcher: opts.childLauncher } : {}) };
  const requireSimulator = (): SimulatorControl => {
    const simulator = plan.simulator();
    if (!simulator) throw new TransportError('not-found', 'no simulated reader is active');
    return simulator;
  };
  const onAttach = plan.onAttach;
  return new PollingReaderService({
    bus: opts.bus,
    connect: () => plan.connect(),
    decodePhoto: wlt ? async (bytes) => (await (decoder ??= hw.wltDecoder(wlt))).decode(bytes) : undefined,
    simulator: { present: () => requireSimulator().present(), remove: () => requireSimulator().remove() },
    simulatorAvailable: () => plan.simulator() !== undefined,
    hotplug:
      opts.watchHotplug !== false && onAttach
        ? { watch: (attached) => hw.watch(attached, opts.serialPath ? [opts.serialPath] : []), onAttach }
        : undefined,
    release: async () => {
      const pending = decoder;
      decoder = null;
      if (pending) await (await pending).close().catch(() => undefined);
    },
    pollIntervalMs: opts.pollIntervalMs,
    healthIntervalMs: opts.healthIntervalMs,
    logger: log,
  });
}

function loadDemoPhoto(path: string | undefined, log: Logger): Buffer {
  const file = resolve(path ?? DEMO_PHOTO_FILE);
  if (!existsSync(file)) {
    log.warn('demo photo missing; the demo card has no photo', { file });
    return Buffer.alloc(0);
  }
  return readFileSync(file);
}
