import { stat } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { TransportSignals } from './listeners';
import { TransportError, type Transport, type TransportErrorCode } from './transport';

export interface SerialTransportOptions {
  /** e.g. /dev/ttyUSB0, COM3, or a socat pty link. */
  path: string;
  /** SAM modules default to 115200; 57600/38400/19200/9600 exist after a `60 0x` command. */
  baudRate?: number;
}

export const DEFAULT_SAM_BAUD_RATE = 115200;

/** Maps the errno-style failures of the serial binding onto the codes the reader service acts on. */
export function classifySerialError(error: unknown): TransportErrorCode {
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
  if ((error as { disconnected?: boolean } | null)?.disconnected === true) return 'unplugged';
  if (/ENOENT|No such file|File not found|cannot find the file/i.test(text)) return 'not-found';
  if (/EACCES|EPERM|Permission denied|Access denied/i.test(text)) return 'permission';
  if (/EBUSY|Cannot lock port|Resource temporarily unavailable|in use/i.test(text)) return 'busy';
  if (/EIO|ENXIO|ENODEV|Input\/output error|device not configured|No such device/i.test(text)) return 'unplugged';
  if (/Port is not open|not open|closed/i.test(text)) return 'closed';
  return 'io';
}

const advice: Record<TransportErrorCode, string> = {
  'not-found': 'check the cable and the configured port path',
  busy: 'another program holds the port; close it or pick another port',
  permission: 'add the kiosk user to the dialout group or install the udev rules',
  unplugged: 'the reader was disconnected; plug it back in',
  io: 'the serial driver reported an I/O error; replug the reader',
  closed: 'open the transport first',
};

function toTransportError(error: unknown, what: string, path: string, lostWhileOpen = false): TransportError {
  if (error instanceof TransportError) return error;
  let code = classifySerialError(error);
  // The port vanished under us (we did not close it): serialport then reports the fd as closed or
  // bad while the read side is still noticing the disconnect. That is the unplug, not a caller bug.
  if (lostWhileOpen && (code === 'closed' || /EBADF|bad file descriptor/i.test(String((error as Error)?.message ?? error)))) {
    code = 'unplugged';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new TransportError(code, `${what} ${path} failed (${detail}): ${advice[code]}`, { cause: error });
}

/**
 * A SAM reader on a serial line (RS-232, CH340/CP2102 USB bridges, socat ptys), 8N1 without
 * flow control. Chunks are passed on exactly as the driver delivers them; framing is idcard/'s job.
 */
/** How often an open port's device node is checked for a missed unplug. */
const PRESENCE_CHECK_MS = 500;

export function createSerialTransport(opts: SerialTransportOptions): Transport {
  const baudRate = opts.baudRate ?? DEFAULT_SAM_BAUD_RATE;
  if (!Number.isInteger(baudRate) || baudRate <= 0) {
    // SAM modules speak 115200 (default), 57600, 38400, 19200 or 9600.
    throw new RangeError(`baudRate must be a positive integer such as 115200; got ${String(opts.baudRate)}`);
  }
  const signals = new TransportSignals();
  let port: SerialPort | null = null;

  const openPort = (): Promise<SerialPort> =>
    new Promise((resolve, reject) => {
      const candidate = new SerialPort({
        path: opts.path,
        baudRate,
        dataBits: 8,
        parity: 'none',
        stopBits: 1,
        rtscts: false,
        autoOpen: false,
      });
      candidate.open((error) => (error ? reject(toTransportError(error, 'opening', opts.path)) : resolve(candidate)));
    });

  return {
    kind: 'serial',
    description: `serial ${opts.path} @${baudRate}`,

    async open() {
      if (port?.isOpen) return;
      const opened = await openPort();
      port = opened;
      signals.reset();
      opened.on('data', (chunk: Buffer) => signals.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
      // Errors outside a write (a read failing because the device vanished) end in 'close' with
      // a DisconnectedError; other stray errors must not crash the process as unhandled 'error's.
      opened.on('error', (error: Error) => {
        if (port === opened && !opened.isOpen) signals.emitClose(toTransportError(error, 'using', opts.path, true));
      });
      // The driver's hang-up event is not always delivered for an idle port (seen with ptys whose
      // other end died), so a /dev node is also checked: when it is gone, the reader was pulled.
      // (Windows COM names are not files, so there the driver's event is all there is.)
      const presence = opts.path.startsWith('/') ? setInterval(() => {
        stat(opts.path).catch((error: NodeJS.ErrnoException) => {
          if (port !== opened || (error.code !== 'ENOENT' && error.code !== 'ENXIO')) return;
          port = null;
          signals.emitClose(new TransportError('unplugged', `${opts.path} disappeared: ${advice.unplugged}`, { cause: error }));
          opened.close(() => undefined);
        });
      }, PRESENCE_CHECK_MS) : undefined;
      presence?.unref();
      opened.on('close', (error?: Error | null) => {
        clearInterval(presence);
        // A late event from a port already replaced by a reopen must not end the new lifetime.
        if (port !== opened && port !== null) return;
        const lost = port === opened;
        if (lost) port = null;
        signals.emitClose(error ? toTransportError(error, 'reading', opts.path, lost) : undefined);
      });
    },

    write(bytes) {
      const current = port;
      if (current && !current.isOpen) {
        // Still ours but no longer open: the driver is closing it after a disconnect, and its
        // 'close' event has not arrived yet (our own close() drops `port` first).
        return Promise.reject(new TransportError('unplugged', `writing to ${opts.path} failed: ${advice.unplugged}`));
      }
      if (!current) {
        const gone = signals.closeError;
        return Promise.reject(
          gone instanceof TransportError && gone.code === 'unplugged'
            ? new TransportError('unplugged', `writing to ${opts.path} failed: ${advice.unplugged}`, { cause: gone })
            : new TransportError('closed', `writing to ${opts.path} failed: the port is not open; ${advice.closed}`),
        );
      }
      return new Promise((resolve, reject) => {
        current.write(Buffer.from(bytes), (error) => {
          if (!error) return resolve();
          // Lost while open: still ours, or already closed by the unplug detection above.
          const unplugged = signals.closeError instanceof TransportError && signals.closeError.code === 'unplugged';
          const failure = toTransportError(error, 'writing to', opts.path, port === current || unplugged);
          reject(failure);
          if (failure.code === 'unplugged' || failure.code === 'io') {
            // A write that hits a vanished device is the unplug; close so listeners hear it too.
            if (port === current) port = null;
            signals.emitClose(failure);
            current.close(() => undefined);
          }
        });
      });
    },

    onData: (listener) => signals.onData(listener),
    onClose: (listener) => signals.onClose(listener),

    async close() {
      const current = port;
      port = null;
      if (!current?.isOpen) return;
      await new Promise<void>((resolve) => current.close(() => resolve()));
      signals.emitClose();
    },
  };
}

export interface SerialCandidateDeps {
  list?: () => Promise<Array<{ path: string }>>;
  /** Fixed paths from settings: RS-232 ports and socat ptys never appear in the OS list. */
  configuredPaths?: readonly string[];
}

/**
 * Ports worth probing with `11 FF`: the OS list plus configured paths, deduplicated, configured
 * ones first because an operator chose them. A failing OS enumeration is not fatal here.
 */
export async function listSerialCandidates(deps: SerialCandidateDeps = {}): Promise<string[]> {
  const list = deps.list ?? (() => SerialPort.list());
  let listed: string[] = [];
  try {
    listed = (await list()).map((port) => port.path);
  } catch {
    listed = [];
  }
  return [...new Set([...(deps.configuredPaths ?? []), ...listed])];
}
