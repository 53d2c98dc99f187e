import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeReply } from '../../idcard/commands';
import { SamDeviceSim } from '../../idcard/sim-device';
import { buildCardText, sampleCards, syntheticFingerprints, syntheticWlt, type SyntheticCard } from '../../idcard/synthetic';
import { runCli } from '../../cli/index';
import type { CliIo } from '../../cli/io';
import type { ReaderHardware } from '../../native/sam/hardware';
import { DemoReader } from '../../main/services/reader/demo';
import { nativeHardware } from '../../native/sam/hardware';
import { SimulatedLink } from '../../native/sam/simulated-link';

const dir = mkdtempSync(join(tmpdir(), 'rz-card-'));
function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}
/** Runs the CLI in-process; `hardware` replaces the native reader layer it is handed. */
async function cli(args: string[], hardware: ReaderHardware = nativeHardware) {
  const io = capture();
  const code = await runCli(args, io, { hardware: async () => hardware });
  return { code, json: io.out.startsWith('{') ? JSON.parse(io.out) : null, out: io.out, err: io.err };
}
function readReply(card: SyntheticCard, fingerprints = false): Uint8Array {
  const text = buildCardText(card);
  const photo = syntheticWlt();
  const fp = fingerprints ? syntheticFingerprints() : null;
  const head = fp ? [1, 0, 4, 0, 4, 0] : [1, 0, 4, 0];
  return encodeReply(0x90, Uint8Array.from([...head, ...text, ...photo, ...(fp ?? [])]));
}
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('renzheng card decode', () => {
  it('prints a resident card as one JSON object', async () => {
    const { code, json } = await cli(['card', 'decode', file('resident.bin', readReply(sampleCards.resident))]);
    expect(code).toBe(0);
    expect(json).toEqual({
      type: 'resident', name: '张测试', englishName: null, sex: 'female', nationCode: '01', nation: '汉', nationality: null,
      birthDate: '1949-12-31', address: '北京市朝阳区测试路1号', idNumber: '11010519491231002X', passNumber: null, issueCount: null,
      issuer: '北京市公安局朝阳分局', validFrom: '2020-01-01', validUntil: 'long-term', photo: { format: 'wlt', bytes: 1024 }, fingerprints: 0, warnings: [],
    });
  });

  it('prints the J, I and Y cards with their own fields', async () => {
    const j = await cli(['card', 'decode', file('j.bin', readReply(sampleCards.hkmotw))]);
    expect(j.json).toMatchObject({ type: 'hkmotw', passNumber: 'H12345678', issueCount: 1, nationCode: null, sex: 'male' });
    const i = await cli(['card', 'decode', file('i.bin', readReply(sampleCards.foreign2017))]);
    expect(i.json).toMatchObject({ type: 'foreign2017', englishName: 'SAMPLE, ALEX JORDAN', nationality: 'USA', idNumber: 'USA110085061500', issuer: '1100', address: null });
    const y = await cli(['card', 'decode', file('y.bin', readReply(sampleCards.foreign2023))]);
    expect(y.json).toMatchObject({ type: 'foreign2023', englishName: 'TESTER, SAMPLE MOHAMMED', nationality: 'SAU', idNumber: '932682198501010017', issuer: null });
  });

  it('counts fingerprints in a 30 10 reply and can save the photo', async () => {
    const out = join(dir, 'photo.wlt');
    const { code, json } = await cli(['card', 'decode', file('fp.bin', readReply(sampleCards.resident, true)), '--photo', out]);
    expect(code).toBe(0);
    expect(json.fingerprints).toBe(2);
    expect(new Uint8Array(readFileSync(out))).toEqual(syntheticWlt());
  });

  it('decodes the first whole frame after leading line noise and says what it skipped', async () => {
    const good = readReply(sampleCards.resident);
    const noisy = Uint8Array.of(0x00, 0xaa, 0x13, 0xaa, 0xaa, ...good, 0x42, 0x42);
    const { code, json } = await cli(['card', 'decode', file('noisy.bin', noisy)]);
    expect(code).toBe(0);
    expect(json.idNumber).toBe(sampleCards.resident.idNumber);
    expect(json.warnings).toEqual(['skipped-5-bytes-before-frame', 'ignored-2-bytes-after-frame']);
  });

  it('finds the real frame behind a false preamble whose LEN swallows it', async () => {
    const good = readReply(sampleCards.resident);
    const decoy = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x10);
    const { code, json } = await cli(['card', 'decode', file('decoy.bin', Uint8Array.of(...decoy, ...good))]);
    expect(code).toBe(0);
    expect(json.warnings).toEqual(['skipped-7-bytes-before-frame']);
  });

  it('exits 2 with an error code naming each kind of bad input', async () => {
    const good = readReply(sampleCards.resident);
    const badSum = good.slice();
    badSum[badSum.length - 1] = badSum[badSum.length - 1]! ^ 0x55;
    const cases: [string, Uint8Array, object][] = [
      ['checksum', badSum, { code: 'checksum' }],
      ['truncated', good.subarray(0, 700), { code: 'truncated' }],
      ['length', Uint8Array.of(...good.subarray(0, 5), 0xff, 0xff, ...good.subarray(7)), { code: 'length' }],
      ['preamble', good.subarray(1), { code: 'preamble' }],
      ['status', encodeReply(0x41, undefined, 0x6a, 0x82), { code: 'status', sw1: 0x6a, sw2: 0x82, sw3: 0x41, statusClass: 'card-retry' }],
      ['text', readReply({ ...sampleCards.resident, idNumber: '110105194912310021' }), { code: 'text', field: 'idNumber' }],
      ['reply', encodeReply(0x90, Uint8Array.of(0, 0x20, 0, 0)), { code: 'reply' }],
    ];
    for (const [name, bytes, expected] of cases) {
      const { code, json } = await cli(['card', 'decode', file(`${name}.bin`, bytes)]);
      expect(code, name).toBe(2);
      expect(json.error, name).toMatchObject(expected);
      expect(json.error.message, name).toEqual(expect.any(String));
    }
    expect((await cli(['card', 'decode', join(dir, 'missing.bin')])).json.error.code).toBe('file');
    const noFile = await cli(['card', 'decode']);
    expect(noFile).toMatchObject({ code: 2, json: null });
    expect(noFile.err).toMatch(/^renzheng card decode: takes exactly one FILE\nusage: /);
    expect(await cli(['card', 'frobnicate'])).toMatchObject({ code: 2, json: null, err: expect.stringContaining("unknown subcommand 'frobnicate'") });
  });

  it('prints its usage for --help (exit 0) and for a bare `card` (exit 2)', async () => {
    const help = await cli(['card', '--help']);
    expect(help.code).toBe(0);
    expect(help.err).toBe('');
    expect(help.out).toMatch(/^usage: renzheng card decode FILE/);
    const io = capture();
    expect(await runCli(['card', 'decode', '--help'], io)).toBe(0);
    expect(io.out).toMatch(/^usage: renzheng card decode FILE/);
    expect((await cli(['card'])).code).toBe(2);
  });
});

describe('renzheng card read', () => {
  it('reads one card through a SAM transport', async () => {
    const device = new SamDeviceSim({ card: { text: buildCardText(sampleCards.hkmotw), photo: syntheticWlt(), fingerprints: null } });
    const link = new SimulatedLink(device, { fragment: { min: 1, max: 64 } });
    const opened: string[] = [];
    const hardware: ReaderHardware = { ...nativeHardware, serial: (path) => (opened.push(path), link.transport()) };
    const { code, json } = await cli(['card', 'read', '--port', '/dev/ttySIM0'], hardware);
    expect(code).toBe(0);
    expect(opened).toEqual(['/dev/ttySIM0']);
    expect(json).toMatchObject({ type: 'hkmotw', passNumber: 'H12345678', photo: { format: 'wlt', bytes: 1024 } });
    expect(device.log).toEqual(['sam-status', 'find-card', 'select-card', 'read-base']);
  });

  it('reads a vendor-SDK reader that returns a decoded BMP', async () => {
    const bmp = readFileSync('resources/demo/chip-photo.bmp');
    const reader = new DemoReader(bmp);
    reader.present();
    const { code, json } = await cli(['card', 'read', '--vendor', '/opt/sdk/libfake.so'], { ...nativeHardware, vendor: async () => reader });
    expect(code).toBe(0);
    expect(json).toMatchObject({ type: 'resident', name: '演示用户', photo: { format: 'bmp', bytes: 38862 } });
  });

  it('says no-card (exit 1) when nothing is presented, and refuses ambiguous options', async () => {
    const link = new SimulatedLink(new SamDeviceSim());
    const none = await cli(['card', 'read', '--port', '/dev/ttySIM0', '--wait', '0'], { ...nativeHardware, serial: () => link.transport() });
    expect(none.code).toBe(1);
    expect(none.json.error.code).toBe('no-card');
    const ambiguous = await cli(['card', 'read', '--port', 'a', '--hid']);
    expect(ambiguous).toMatchObject({ code: 2, json: null });
    expect(ambiguous.err).toMatch(/^renzheng card read: needs exactly one of --port, --hid, --usb, --vendor\nusage: renzheng card/);
    const badId = await cli(['card', 'read', '--usb', '--id', 'zz']);
    expect(badId).toMatchObject({ code: 2, json: null });
    expect(badId.err).toContain("'zz' is not a USB id");
  });

  it('reports an unplugged serial port as a transport error (exit 1)', async () => {
    const { code, json } = await cli(['card', 'read', '--port', join(dir, 'no-such-tty'), '--wait', '0']);
    expect(code).toBe(1);
    expect(json.error.code).toMatch(/^transport-/);
  });
});
