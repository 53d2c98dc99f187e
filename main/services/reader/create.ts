import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SamDeviceSim } from '../../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticWlt } from '../../../idcard/synthetic';
import { TransportError, type Transport } from '../../../native/transport';
import type { WltDecoderConfig } from '../../../native/wlt/types';
import type { EventBus } from '../events';
import { SamCardSource, VendorCardSource, type CardSource, type CommandTimeouts } from '../../../native/sam/card-source';
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
}

const DEFAULT_HID = { vendorId: 0x2b8b, productId: 0x2721 };
const DEFAULT_USB = { vendorId: 0x0400, productId: 0xc35a };

/** The reader service for the kiosk; call start() once the shells subscribe to the bus. */
export function createReaderService(opts: ReaderServiceOptions): ReaderService {
  const hw: ReaderHardware = { ...nativeHardware, ...opts.hardware };
  const log = opts.logger ?? silentLogger;
  const samOptions = { timeouts: opts.timeouts, fingerprints: opts.fingerprints };
  let simulator: SimulatorControl | undefined;
  let connect: () => Promise<CardSource>;
  let onAttach = (service: PollingReaderService) => service.retryNow();

  const openSam = async (transport: Transport, extra: { probeTimeoutMs?: number; kind?: CardSource['kind'] } = {}): Promise<CardSource> => {
    const timeouts = extra.probeTimeoutMs ? { ...samOptions.timeouts, status: extra.probeTimeoutMs } : samOptions.timeouts;
    const source = new SamCardSource(transport, { ...samOptions, timeouts, kind: extra.kind });
    try {
      await source.open();
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
    return source;
  };
  const demo = (): { connect: () => Promise<CardSource>; control: DemoReader } => {
    const reader = new DemoReader(loadDemoPhoto(opts.demoPhotoPath, log));
    return {
      control: reader,
      connect: async () => {
        const source = new VendorCardSource(reader, 'demo reader (simulated, synthetic identity)', 'simulator');
        await source.open();
        return source;
      },
    };
  };

  switch (opts.mode) {
    case 'simulated': {
      const d = demo();
      simulator = d.control;
      connect = d.connect;
      break;
    }
    case 'sam-simulator': {
      const device = new SamDeviceSim({ card: null, resetRecovers: true });
      const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };
      const link = new SimulatedLink(device);
      simulator = { present: () => device.present(card), remove: () => device.remove() };
      connect = () => openSam(link.transport(), { kind: 'simulator' });
      break;
    }
    case 'serial': {
      const path = opts.serialPath;
      if (!path) throw new TypeError("reader mode 'serial' needs serialPath (e.g. /dev/ttyUSB0)");
      connect = () => openSam(hw.serial(path, opts.baudRate));
      break;
    }
    case 'hid':
      connect = () => openSam(hw.hid(opts.hid ?? DEFAULT_HID));
      break;
    case 'usb':
      connect = () => openSam(hw.usb(opts.usb ?? DEFAULT_USB));
      break;
    case 'vendor': {
      const library = opts.vendorLibrary;
      if (!library) throw new TypeError("reader mode 'vendor' needs vendorLibrary (path to the SDK .so/.dll)");
      connect = async () => {
        const source = new VendorCardSource(await hw.vendor({ library, ...(opts.vendorPort ? { port: opts.vendorPort } : {}), fingerprints: opts.fingerprints ?? false }), `vendor SDK ${library.split(/[\\/]/).pop()}`);
        await source.open();
        return source;
      };
      break;
    }
    case 'auto': {
      if (opts.serialPath) {
        const path = opts.serialPath;
        connect = () => openSam(hw.serial(path, opts.baudRate));
        break;
      }
      // A reader found is reconnected to after unplugs; none found → the demo, until a reader is
      // plugged in (see onAttach below), when the scan runs again.
      let chosen: (() => Promise<CardSource>) | null = null;
      const d = demo();
      onAttach = (service) => {
        if (chosen !== d.connect) return service.retryNow();
        chosen = null;
        service.requestReconnect();
      };
      connect = async () => {
        if (chosen) return chosen();
        simulator = undefined;
        for (const candidate of await hw.scan().catch(() => [])) {
          try {
            const source = await openSam(candidate.open(), { probeTimeoutMs: 500 });
            log.info('reader found', { kind: candidate.kind, id: candidate.id });
            chosen = () => openSam(candidate.open());
            return source;
          } catch (error) {
            log.info('not a SAM reader', { kind: candidate.kind, id: candidate.id, error: String(error) });
          }
        }
        log.info('no reader found; using the demo reader');
        simulator = d.control;
        chosen = d.connect;
        return d.connect();
      };
      break;
    }
  }

  let decoder: Promise<WltDecoderLike> | null = null;
  const decodePhoto = opts.wltDecoder
    ? async (wlt: Uint8Array) => {
        decoder ??= hw.wltDecoder(opts.wltDecoder!);
        return (await decoder).decode(wlt);
      }
    : undefined;

  const service = new PollingReaderService({
    bus: opts.bus,
    connect: () => connect(),
    decodePhoto,
    // Auto mode learns whether it fell back to the demo only when it connects.
    simulator: {
      present: () => requireSimulator().present(),
      remove: () => requireSimulator().remove(),
    },
    simulatorAvailable: () => simulator !== undefined,
    pollIntervalMs: opts.pollIntervalMs,
    healthIntervalMs: opts.healthIntervalMs,
    logger: log,
  });
  function requireSimulator(): SimulatorControl {
    if (!simulator) throw new TransportError('not-found', 'no simulated reader is active');
    return simulator;
  }
  const hotplug = opts.watchHotplug !== false && ['serial', 'hid', 'usb', 'auto'].includes(opts.mode);
  let unwatch: (() => void) | null = null;
  const start = service.start.bind(service);
  service.start = async () => {
    if (hotplug && !unwatch) {
      try {
        unwatch = hw.watch(() => onAttach(service), opts.serialPath ? [opts.serialPath] : []);
      } catch (error) {
        log.warn('hot-plug watching unavailable; relying on periodic retries', { error: String(error) });
      }
    }
    await start();
  };
  const stop = service.stop.bind(service);
  service.stop = async () => {
    unwatch?.();
    unwatch = null;
    await stop();
    const d = decoder;
    decoder = null;
    if (d) await (await d).close().catch(() => undefined);
  };
  return service;
}

function loadDemoPhoto(path: string | undefined, log: Logger): Buffer {
  const file = resolve(path ?? DEMO_PHOTO_FILE);
  if (!existsSync(file)) {
    log.warn('demo photo missing; the demo card has no photo', { file });
    return Buffer.alloc(0);
  }
  return readFileSync(file);
}
