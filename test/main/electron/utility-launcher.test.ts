import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UtilityProcessModule } from '../../../main/electron/utility-launcher';
import { utilityForkOptions, utilityProcessLauncher } from '../../../main/electron/utility-launcher';
import type { ChildLaunchRequest } from '../../../main/services/reader';
import { WORKDIR_ENV } from '../../../native/vendor/protocol';
import { createWltDecoder } from '../../../native/wlt/decoder';
import { createCompiler } from '../../native/helpers/compile-c';
import { expectedFakeBmp, syntheticWlt } from '../../native/helpers/photo';
import { ChildProcessUtilityModule, FakeUtilityProcessModule } from './fake-electron';

const root = resolve(import.meta.dirname, '../../..');
const request: ChildLaunchRequest = {
  file: '/app/out/main/vendor-sdk-child.js',
  execArgv: [],
  cwd: '/tmp/renzheng-vendor-x',
  env: { PATH: '/usr/bin', UNSET: undefined, [WORKDIR_ENV]: '/tmp/renzheng-vendor-x' },
  name: 'WLT decoder unpack',
};

describe('utility-process launcher (mocked utilityProcess)', () => {
  it('forks the vendor child as a utility process in its private directory, with stderr piped and stdout dropped', () => {
    const utility = new FakeUtilityProcessModule();
    utilityProcessLauncher(utility as unknown as UtilityProcessModule)(request);
    expect(utility.fork).toHaveBeenCalledWith('/app/out/main/vendor-sdk-child.js', [], {
      cwd: '/tmp/renzheng-vendor-x',
      env: { PATH: '/usr/bin', [WORKDIR_ENV]: '/tmp/renzheng-vendor-x' },
      stdio: ['ignore', 'ignore', 'pipe'],
      serviceName: 'Renzheng WLT decoder unpack',
    });
    expect(utilityForkOptions({ ...request, execArgv: ['--import', 'file:///tsx.mjs'] }).execArgv).toEqual(['--import', 'file:///tsx.mjs']);
  });

  it('relays messages, stderr text and the exit code, and reports a send after the exit as an error', async () => {
    const utility = new FakeUtilityProcessModule();
    const child = utilityProcessLauncher(utility as unknown as UtilityProcessModule)(request);
    const fake = utility.forks[0]!;
    const seen: unknown[] = [];
    child.on('message', (m) => seen.push(['message', m]));
    child.on('stderr', (t) => seen.push(['stderr', t]));
    child.on('exit', (code, signal) => seen.push(['exit', code, signal]));
    expect(child.pid).toBe(4321);

    const sent = await new Promise((done) => child.send({ type: 'shutdown' }, done));
    expect(sent).toBeNull();
    expect(fake.posted).toEqual([{ type: 'shutdown' }]);
    fake.emit('message', { type: 'ready' });
    fake.stderr.write('dlopen failed\n');
    fake.emit('exit', 11);
    expect(seen).toEqual([['message', { type: 'ready' }], ['stderr', 'dlopen failed\n'], ['exit', 11, null]]);

    const late = await new Promise<Error | null>((done) => child.send({ type: 'shutdown' }, done));
    expect(late?.message).toMatch(/ended/);
    expect(fake.posted).toHaveLength(1);
  });

  it('kills with SIGKILL by pid (utilityProcess.kill() is only SIGTERM), falling back to kill() without one', () => {
    const utility = new FakeUtilityProcessModule();
    const signals: [number, string][] = [];
    const launch = utilityProcessLauncher(utility as unknown as UtilityProcessModule, (pid, signal) => signals.push([pid, signal]));
    launch(request).kill();
    expect(signals).toEqual([[4321, 'SIGKILL']]);
    expect(utility.forks[0]!.kill).not.toHaveBeenCalled();

    const notYet = launch(request);
    utility.forks[1]!.pid = undefined;
    notYet.kill();
    expect(utility.forks[1]!.kill).toHaveBeenCalledTimes(1);

    const refused = utilityProcessLauncher(utility as unknown as UtilityProcessModule, () => {
      throw new Error('ESRCH');
    })(request);
    refused.kill();
    expect(utility.forks[2]!.kill).toHaveBeenCalledTimes(1);
  });
});

// child.ts runs for real here, under a shim that gives it process.parentPort and takes process.send
// away: a child still talking over the fork channel would never say 'ready' and the start would time out.
describe('vendor child as a utility process (real child.ts over a fake utilityProcess)', () => {
  const compiler = createCompiler();
  const libs = { unpack: '', crash: '' };
  beforeAll(() => {
    libs.unpack = compiler.compile('wlt_unpack.c', 'libwlt2bmp.so');
    libs.crash = compiler.compile('wlt_crash.c', 'libwltcrash.so');
  });
  afterAll(() => compiler.cleanup());

  it('decodes a chip photo over parentPort, with no ELECTRON_RUN_AS_NODE, and leaves when closed', async () => {
    const utility = new ChildProcessUtilityModule();
    const decoder = createWltDecoder({ library: libs.unpack, vendorCode: 602, launcher: utilityProcessLauncher(utility as unknown as UtilityProcessModule) });
    const wlt = syntheticWlt(7);
    try {
      expect((await decoder.decode(wlt)).equals(expectedFakeBmp(wlt))).toBe(true);
      const other = syntheticWlt(8);
      expect((await decoder.decode(other)).equals(expectedFakeBmp(other))).toBe(true);
    } finally {
      await decoder.close();
    }
    expect(utility.forks).toHaveLength(1);
    const child = utility.forks[0]!;
    expect(child.modulePath).toBe(join(root, 'native/vendor/child.ts'));
    expect(child.options.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(child.options.serviceName).toBe('Renzheng WLT decoder unpack');
    // The 'shutdown' message reached the child through parentPort: it left by itself, not by the kill after 1 s.
    expect([child.exitCode, child.exitSignal]).toEqual([0, null]);
    expect(existsSync(child.options.cwd)).toBe(false);
  });

  it('reports a segfault as crashed with the exit code, starts a fresh utility process and decodes again', async () => {
    const utility = new ChildProcessUtilityModule();
    const decoder = createWltDecoder({ library: libs.crash, vendorCode: 602, launcher: utilityProcessLauncher(utility as unknown as UtilityProcessModule) });
    const wlt = syntheticWlt(9);
    const poisoned = Uint8Array.from(wlt);
    poisoned[0] = 0x00; // the fake vendor code dereferences NULL on a malformed header
    try {
      const crash = await decoder.decode(poisoned).catch((e: unknown) => e);
      // A utility process's exit reports a code, not the signal (here the fake passes SIGSEGV's number).
      expect(crash).toMatchObject({ code: 'crashed', signal: undefined, message: expect.stringMatching(/exited with code 11/) });
      expect((await decoder.decode(wlt)).equals(expectedFakeBmp(wlt))).toBe(true);
    } finally {
      await decoder.close();
    }
    expect(utility.forks).toHaveLength(2);
    expect(utility.forks[0]!.exitSignal).toBe('SIGSEGV');
  });

  it('ends a hung decoder with SIGKILL and reports timeout', async () => {
    const utility = new ChildProcessUtilityModule();
    const decoder = createWltDecoder({
      library: libs.crash,
      symbol: 'hang',
      abi: 'bmp-buffer',
      timeoutMs: 300,
      launcher: utilityProcessLauncher(utility as unknown as UtilityProcessModule),
    });
    try {
      await expect(decoder.decode(syntheticWlt(1))).rejects.toMatchObject({ code: 'timeout' });
      await vi.waitFor(() => expect(utility.forks[0]!.exitSignal).toBe('SIGKILL'));
    } finally {
      await decoder.close();
    }
  });
});
