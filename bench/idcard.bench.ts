import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCardText } from '../idcard/card';
import { encodeCommand, Commands, encodeReply } from '../idcard/commands';
import { FrameDecoder } from '../idcard/frame';
import { parseReadData, parseReplyBody } from '../idcard/reply';
import { buildCardText, sampleCards, syntheticWlt } from '../idcard/synthetic';
import { startPtySim } from '../native/pty-sim';
import { SamCardSource } from '../native/sam/card-source';
import { createSerialTransport } from '../native/serial';
import { median, metric, type Benchmark } from './harness';

const BAUD = 115200;

/** Full decode of one 30 01 reply: stream framing, status, blocks, text parse and validation. */
function decodeBench(): number {
  const text = buildCardText(sampleCards.resident);
  const data = new Uint8Array(4 + 256 + 1024);
  data.set([1, 0, 4, 0]);
  data.set(text, 4);
  data.set(syntheticWlt(), 260);
  const frame = encodeReply(0x90, data);
  const decoder = new FrameDecoder();
  const batch = 2000;
  const perFrame: number[] = [];
  for (let round = 0; round < 7; round++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) {
      for (const ev of decoder.push(frame)) {
        if (ev.kind !== 'frame') throw new Error('bench frame failed to decode');
        parseCardText(parseReadData(parseReplyBody(ev.body).data, false).text);
      }
    }
    perFrame.push((performance.now() - t) / batch);
  }
  return median(perFrame.slice(2)); // the first rounds warm the JIT
}

/** FIND + SELECT + READ through a socat pty, the simulator pacing both directions at 115200 baud. */
async function wireBench(): Promise<{ ratio: number; readMs: number; wireMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rz-bench-'));
  const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };
  const sim = await startPtySim({ pty: join(dir, 'tty'), card: null, baudRate: BAUD });
  const source = new SamCardSource(createSerialTransport({ path: sim.port, baudRate: BAUD }));
  try {
    await source.open();
    const wireBytes =
      encodeCommand(Commands.findCard).length + encodeReply(0x9f, new Uint8Array(4)).length +
      encodeCommand(Commands.selectCard).length + encodeReply(0x90, new Uint8Array(8)).length +
      encodeCommand(Commands.readBase).length + 1295;
    const wireMs = (wireBytes * 10 * 1000) / BAUD;
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      sim.device.present(card);
      const t = performance.now();
      const raw = await source.poll();
      times.push(performance.now() - t);
      if (!raw) throw new Error('the simulator did not hand over the card');
    }
    const readMs = median(times.slice(2));
    return { ratio: readMs / wireMs, readMs, wireMs };
  } finally {
    await source.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default {
  name: 'idcard',
  description: 'SAM reply decode time, and a full card read through a pty at 115200 baud vs. the wire time of its bytes',
  async run() {
    const decodeMs = decodeBench();
    const wire = await wireBench();
    return [
      metric('decode_ms_per_frame', decodeMs, 'ms'),
      metric('read_wire_ratio', wire.ratio, 'ratio', { max: 1.1 }),
      metric('read_ms', wire.readMs, 'ms'),
      metric('wire_ms', wire.wireMs, 'ms'),
    ];
  },
} satisfies Benchmark;
