/**
 * Entry of the vendor-code child process (bundled as out/main/vendor-sdk-child.js). It loads one
 * vendor library through koffi (a WLT decoder or an sdtapi-style reader SDK) and serves calls from
 * the kiosk: over `process.parentPort` when it runs as an Electron utility process, over the fork
 * IPC channel under plain Node (parent-channel.ts). If the vendor code segfaults, aborts or hangs,
 * only this process dies; the host (host.ts) turns that into a typed error and starts a fresh child
 * on the next call.
 */
import { rmSync } from 'node:fs';
import { checkWltInput, loadWltBinding, type WltBinding } from '../wlt/binding';
import { VendorSdkError, serializeVendorError } from './errors';
import type { KoffiLike } from './ffi';
import { connectToParent } from './parent-channel';
import { WORKDIR_ENV, isParentMessage, type ChildMessage, type ParentMessage } from './protocol';
import { loadSdtBinding, type SdtBinding } from './sdtapi';

type Loaded = { kind: 'wlt'; binding: WltBinding } | { kind: 'sdt'; binding: SdtBinding };
let loaded: Loaded | null = null;
const parent = connectToParent();

function send(message: ChildMessage): void {
  parent.send(message);
}

async function loadKoffi(): Promise<KoffiLike> {
  try {
    return (await import('koffi')).default as unknown as KoffiLike;
  } catch (error) {
    throw new VendorSdkError('load-failed', `koffi could not load on ${process.platform}-${process.arch}: ${String(error)}`, { cause: error });
  }
}

async function init(message: Extract<ParentMessage, { type: 'init' }>): Promise<void> {
  const koffi = await loadKoffi();
  const { session } = message;
  loaded = session.kind === 'wlt' ? { kind: 'wlt', binding: loadWltBinding(koffi, session) } : { kind: 'sdt', binding: loadSdtBinding(koffi, session) };
}

function call(message: Extract<ParentMessage, { type: 'call' }>): unknown {
  if (!loaded) throw new VendorSdkError('load-failed', 'no vendor library is loaded in this helper process');
  if (message.op === 'decode') {
    if (loaded.kind !== 'wlt') throw new VendorSdkError('bad-input', 'this helper hosts a reader SDK, not a WLT decoder');
    checkWltInput(message.wlt);
    return loaded.binding.decode(message.wlt);
  }
  if (loaded.kind !== 'sdt') throw new VendorSdkError('bad-input', 'this helper hosts a WLT decoder, not a reader SDK');
  if (message.op === 'open') return loaded.binding.open(), null;
  if (message.op === 'close') return loaded.binding.close(), null;
  return { card: loaded.binding.read() };
}

parent.onMessage((raw: unknown) => {
  if (!isParentMessage(raw)) {
    const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
    send({ type: 'result', id, ok: false, error: { code: 'bad-input', message: 'malformed request to the vendor helper' } });
    return;
  }
  if (raw.type === 'shutdown') return leave();
  if (raw.type === 'init') {
    init(raw).then(
      () => send({ type: 'init-result', ok: true }),
      (error: unknown) => send({ type: 'init-result', ok: false, error: serializeVendorError(error) }),
    );
    return;
  }
  try {
    send({ type: 'result', id: raw.id, ok: true, value: call(raw) });
  } catch (error) {
    send({ type: 'result', id: raw.id, ok: false, error: serializeVendorError(error) });
  }
});

// The kiosk closed us (or, under fork, went away): release the device and leave. If the kiosk died
// without cleaning up, our private working directory may still hold photo files: remove it ourselves.
function leave(): void {
  try {
    loaded?.binding.dispose();
  } finally {
    const workDir = process.env[WORKDIR_ENV];
    if (workDir && workDir === process.cwd()) rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  }
}
parent.onParentGone(leave);

send({ type: 'ready' });
