import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../idcard/sim-faults';
import { buildCardText, sampleCards, syntheticWlt } from '../../idcard/synthetic';
import { runCli } from '../../cli/index';
import { startPtySim, type PtySim } from '../../native/pty-sim';
import { EventBus, type AnyEvent } from '../../main/services/events';
import { openSamSource, SamCardSource } from '../../native/sam/card-source';
import { PollingReaderService } from '../../main/services/reader/service';
import { createSerialTransport } from '../../native/serial';

// End to end through the real serialport binding: a socat pty pair, the simulator on one side
// (paced at 115200 baud like a UART), the driver on the other.
const dir = mkdtempSync(join(tmpdir(), 'rz-pty-'));
const card = { text: buildCardText(sampleCards.resident), photo: syntheticWlt(), fingerprints: null };
let sim: PtySim | null = null;
afterEach(async () => {
  await sim?.stop();
  sim = null;
});

describe('read through a socat pty with the real serialport binding', () => {
  it('reads a card with `renzheng card read --port`', async () => {
    sim = await startPtySim({ pty: join(dir, 'tty-a'), card, baudRate: 115200 });
    const io = { out: '', err: '', env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    const started = performance.now();
    const code = await runCli(['card', 'read', '--port', sim.port, '--wait', '2000'], io);
    const elapsed = performance.now() - started;
    expect(code, io.out).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ type: 'resident', idNumber: '11010519491231002X', photo: { format: 'wlt', bytes: 1024 } });
    // 1295 reply bytes at 115200 baud take at least 112 ms on the wire.
    expect(elapsed).toBeGreaterThan(112);
    expect(sim.device.log).toEqual(['sam-status', 'find-card', 'select-card', 'read-base']);
  });

  it('runs the reader service against the pty through garbage and fragmentation, and reads a re-presented card', async () => {
    sim = await startPtySim({ pty: join(dir, 'tty-b'), card: null, baudRate: 0, plan: parseFaultSpec('garbage=7,fragment=1-64') });
    const bus = new EventBus();
    const events: AnyEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const port = sim.port;
    const service = new PollingReaderService({
      bus,
      connect: async () => {
        const source = new SamCardSource(createSerialTransport({ path: port }), { drainMs: 50 });
        await source.open();
        return source;
      },
      pollIntervalMs: 20,
    });
    const until = async (what: string, f: () => boolean) => {
      const t = Date.now();
      while (!f()) {
        if (Date.now() - t > 5000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await service.start();
    try {
      await until('ready', () => service.status().state === 'ready');
      expect(service.status().description).toBe(`serial ${port} @115200`);
      sim.device.present(card);
      await until('card', () => events.some((e) => e.event === 'reader.card'));
      sim.device.remove();
      sim.device.present({ ...card, text: buildCardText(sampleCards.foreign2017) });
      await until('second card', () => events.filter((e) => e.event === 'reader.card').length === 2);
      expect(events.filter((e) => e.event === 'reader.card').map((e) => (e.payload as { type: string }).type)).toEqual(['resident', 'foreign2017']);
      expect(events.filter((e) => e.event === 'reader.error')).toEqual([]);
    } finally {
      await service.stop();
    }
  });

  it('reports a hot-unplug (socat gone) and reconnects when the port comes back', async () => {
    const path = join(dir, 'tty-c');
    sim = await startPtySim({ pty: path, card: null, baudRate: 0 });
    const bus = new EventBus();
    const events: AnyEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const service = new PollingReaderService({
      bus,
      connect: () => openSamSource(createSerialTransport({ path }), { drainMs: 50, timeouts: { status: 300, find: 300 } }),
      pollIntervalMs: 20,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const until = async (what: string, f: () => boolean) => {
      const t = Date.now();
      while (!f()) {
        if (Date.now() - t > 8000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(events.map((e) => e.payload))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await service.start();
    try {
      await until('ready', () => service.status().state === 'ready');
      await sim.stop();
      await until('gone', () => service.status().state === 'searching');
      expect(events.find((e) => e.event === 'reader.error')?.payload).toMatchObject({ code: 'reader-detached', sw3: null });
      sim = await startPtySim({ pty: path, card, baudRate: 0 });
      await until('card after replug', () => events.some((e) => e.event === 'reader.card'));
    } finally {
      await service.stop();
    }
  });
});
