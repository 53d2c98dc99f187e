import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultSpecError, parseFaultSpec } from '../../idcard/sim-faults';
import { runCli } from '../../cli/index';

const dir = mkdtempSync(join(tmpdir(), 'rz-sim-'));
function capture() {
  const io = { out: '', err: '', env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('sim --faults', () => {
  it('parses link and one-shot command faults', () => {
    expect(parseFaultSpec('garbage=7,fragment=1-64,sam=66,silent@find*3,late@read=4000,truncate@read=600,checksum@select,status@read=41,unplug@any')).toEqual({
      garbageMax: 7,
      fragment: { min: 1, max: 64 },
      samHealth: 'unauthorised',
      oneShot: [
        { match: 'find-card', fault: { kind: 'silent' }, times: 3 },
        { match: 'read-base', fault: { kind: 'late', delayMs: 4000 }, times: 1 },
        { match: 'read-base', fault: { kind: 'truncate', bytes: 600 }, times: 1 },
        { match: 'select-card', fault: { kind: 'corrupt-checksum' }, times: 1 },
        { match: 'read-base', fault: { kind: 'status', sw3: 0x41 }, times: 1 },
        { match: '*', fault: { kind: 'unplug' }, times: 1 },
      ],
    });
  });
  it.each(['explode', 'late@read', 'silent@launch', 'fragment=9-2', 'sam=61', 'status@read=1ff', 'garbage=500'])('rejects %s', (spec) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
  });
});

describe('renzheng sim', () => {
  it('refuses bad arguments and card files with a typed error', async () => {
    for (const args of [['sim'], ['sim', '--pty', join(dir, 'x'), '--wat'], ['sim', '--pty', join(dir, 'x'), '--baud', 'fast']]) {
      const io = capture();
      expect(await runCli(args, io), args.join(' ')).toBe(2);
      expect(io.out, args.join(' ')).toBe('');
      expect(io.err, args.join(' ')).toMatch(/^renzheng sim: .+\nusage: renzheng sim --pty PATH/);
    }
    const cases: [string[], string][] = [
      [['sim', '--pty', join(dir, 'x'), '--faults', 'bogus'], 'faults'],
      [['sim', '--pty', join(dir, 'x'), '--card', join(dir, 'none.json')], 'card-file'],
    ];
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ type: 'resident', name: 'x', nation: 1 }));
    cases.push([['sim', '--pty', join(dir, 'x'), '--card', join(dir, 'bad.json')], 'card-file']);
    writeFileSync(join(dir, 'long.json'), JSON.stringify({ type: 'resident', name: 'x'.repeat(16) }));
    cases.push([['sim', '--pty', join(dir, 'x'), '--card', join(dir, 'long.json')], 'card-file']);
    for (const [args, code] of cases) {
      const io = capture();
      expect(await runCli(args, io), args.join(' ')).toBe(2);
      expect(JSON.parse(io.out).error.code, args.join(' ')).toBe(code);
    }
  });

  it('serves a card from card.json on a pty until stopped', async () => {
    const pty = join(dir, 'tty-sim');
    const cardFile = join(dir, 'card.json');
    writeFileSync(cardFile, JSON.stringify({ type: 'foreign2023', name: '沙测试', sex: '1', birth: '19850101', englishName: 'TESTER, SAMPLE', idNumber: '932682198501010017', validFrom: '20231201', validUntil: '20331201', nationality: 'SAU' }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'sim', '--pty', pty, '--card', cardFile, '--faults', 'fragment=1-16'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`sim exited early (${code})`)));
      });
      expect(JSON.parse(ready)).toEqual({ ready: true, port: pty, baudRate: 115200, cardPresent: true });
      const io = capture();
      expect(await runCli(['card', 'read', '--port', pty, '--wait', '1000'], io)).toBe(0);
      expect(JSON.parse(io.out)).toMatchObject({ type: 'foreign2023', englishName: 'TESTER, SAMPLE', nationality: 'SAU' });
      // The card now rests: a second read sees no card until it is presented again on stdin.
      const again = capture();
      expect(await runCli(['card', 'read', '--port', pty, '--wait', '0'], again)).toBe(1);
      child.stdin.write('present\n');
      await new Promise((r) => setTimeout(r, 100));
      const third = capture();
      expect(await runCli(['card', 'read', '--port', pty, '--wait', '1000'], third)).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);
});
