import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorSdkError } from '../../../native/vendor/errors';
import { BUNDLED_CHILD, VendorChildHost, resolveChildEntry } from '../../../native/vendor/host';
import { forkLauncher, type ChildLaunchRequest } from '../../../native/vendor/launcher';
import { WORKDIR_ENV, isParentMessage } from '../../../native/vendor/protocol';
import { wltSessionFor } from '../../../native/wlt/decoder';
import { createWltDecoder } from '../../../native/wlt/decoder';
import { createCompiler } from '../helpers/compile-c';
import { expectedFakeBmp, syntheticWlt } from '../helpers/photo';

const root = resolve(import.meta.dirname, '../../..');
const only = (...present: string[]) => (p: string) => present.includes(p);
const tsx = () => '/deps/tsx/dist/loader.mjs';

describe('resolveChildEntry', () => {
  it('uses the bundled child next to the bundle, as the built app does', () => {
    const here = '/app/out/main';
    expect(resolveChildEntry({ here, exists: only(join(here, BUNDLED_CHILD)), resolveTsx: tsx })).toEqual({
      file: '/app/out/main/vendor-sdk-child.js',
      execArgv: [],
    });
  });

  it('finds the bundled child one folder up when this code sits in a chunk folder', () => {
    expect(resolveChildEntry({ here: '/app/out/main/chunks', exists: only('/app/out/main/vendor-sdk-child.js'), resolveTsx: tsx }).file).toBe(
      '/app/out/main/vendor-sdk-child.js',
    );
  });

  it('runs child.ts through the tsx loader when running from source', () => {
    const here = '/repo/native/vendor';
    expect(resolveChildEntry({ here, exists: only('/repo/native/vendor/child.ts'), resolveTsx: tsx })).toEqual({
      file: '/repo/native/vendor/child.ts',
      execArgv: ['--import', 'file:///deps/tsx/dist/loader.mjs'],
    });
  });

  it('honours an explicit override and fails with advice when nothing is there', () => {
    expect(resolveChildEntry({ here: '/x', override: '/opt/helper.js', exists: only('/opt/helper.js') })).toEqual({
      file: '/opt/helper.js',
      execArgv: [],
    });
    expect(() => resolveChildEntry({ here: '/x', override: '/opt/helper.js', exists: only() })).toThrow(VendorSdkError);
    try {
      resolveChildEntry({ here: '/nowhere', exists: only() });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'child-failed', message: expect.stringMatching(/rebuild/) });
    }
  });

  it('resolves the real source child in this checkout', () => {
    const launch = resolveChildEntry({ here: join(root, 'native/vendor') });
    expect(launch.file).toBe(join(root, 'native/vendor/child.ts'));
    expect(launch.execArgv[0]).toBe('--import');
    expect(existsSync(new URL(launch.execArgv[1]!))).toBe(true);
  });
});

describe('the bundled child (out/main/vendor-sdk-child.js)', () => {
  const bundled = join(root, 'out/main', BUNDLED_CHILD);
  const compiler = createCompiler();
  let lib = '';
  beforeAll(() => {
    lib = compiler.compile('wlt_unpack.c', 'libwlt2bmp.so');
  });
  afterAll(() => compiler.cleanup());

  // The suite's global setup builds out/ first; a run without it has nothing to test here.
  it.skipIf(!existsSync(bundled))('decodes through the built helper exactly like the source one', async () => {
    const decoder = createWltDecoder({ library: lib, vendorCode: 602, launch: resolveChildEntry({ here: join(root, 'out/main') }) });
    const wlt = syntheticWlt(3);
    try {
      expect((await decoder.decode(wlt)).equals(expectedFakeBmp(wlt))).toBe(true);
    } finally {
      await decoder.close();
    }
  });
});

describe('VendorChildHost', () => {
  const compiler = createCompiler();
  let lib = '';
  beforeAll(() => {
    lib = compiler.compile('wlt_crash.c', 'libwltcrash.so');
  });
  afterAll(() => compiler.cleanup());

  it('starts a new child process after a crash and counts the restart', async () => {
    const host = new VendorChildHost(wltSessionFor({ library: lib }), { label: 'test decoder' });
    const wlt = syntheticWlt(5);
    try {
      expect(host.isRunning).toBe(false); // started lazily
      await host.call({ op: 'decode', wlt }, 3000);
      const firstPid = host.pid;
      expect(firstPid).toBeGreaterThan(0);
      const poisoned = Uint8Array.from(wlt);
      poisoned[1] = 0;
      await expect(host.call({ op: 'decode', wlt: poisoned }, 3000)).rejects.toMatchObject({ code: 'crashed' });
      expect(host.isRunning).toBe(false);
      await host.call({ op: 'decode', wlt }, 3000);
      expect(host.pid).not.toBe(firstPid);
      expect(host.restarts).toBe(1);
    } finally {
      await host.close();
    }
    expect(host.isRunning).toBe(false);
  });

  it('has the child delete its working directory (photo files) when the kiosk vanishes without cleaning up', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'renzheng-vendor-test-'));
    writeFileSync(join(workDir, 'zp.bmp'), 'left behind by a vendor SDK');
    const launch = resolveChildEntry({ here: join(root, 'native/vendor') });
    const child = fork(launch.file, [], {
      cwd: workDir,
      execArgv: launch.execArgv,
      env: { ...process.env, [WORKDIR_ENV]: workDir },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    await once(child, 'message'); // ready
    child.disconnect(); // what the child sees when the kiosk process dies
    await once(child, 'exit');
    expect(existsSync(workDir)).toBe(false);
  });

  it('starts its child through the launcher it is given, in a private directory, without ELECTRON_RUN_AS_NODE', async () => {
    const requests: ChildLaunchRequest[] = [];
    const host = new VendorChildHost(wltSessionFor({ library: lib, vendorCode: 602 }), {
      label: 'test decoder',
      launcher: (request) => (requests.push(request), forkLauncher(request)),
    });
    const wlt = syntheticWlt(6);
    try {
      expect((await host.call({ op: 'decode', wlt }, 3000)) as { bytes: Uint8Array }).toMatchObject({ format: 'raw' });
    } finally {
      await host.close();
    }
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({ file: join(root, 'native/vendor/child.ts'), name: 'test decoder' });
    expect(request!.cwd).toMatch(/renzheng-vendor-/);
    expect(request!.env[WORKDIR_ENV]).toBe(request!.cwd);
    expect(request!.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(existsSync(request!.cwd)).toBe(false); // closed through 'shutdown': the directory went with the child
  });

  it('refuses to fork under Electron (that would start a second kiosk) and says the shell must pass a launcher', async () => {
    Object.defineProperty(process.versions, 'electron', { value: '45.5.0', configurable: true });
    const host = new VendorChildHost(wltSessionFor({ library: lib }), { label: 'test decoder' });
    try {
      await expect(host.call({ op: 'decode', wlt: syntheticWlt(1) }, 3000)).rejects.toMatchObject({
        code: 'child-failed',
        message: expect.stringMatching(/utility process/),
      });
    } finally {
      delete (process.versions as Record<string, string | undefined>).electron;
      await host.close();
    }
  });

  it("accepts 'shutdown' as the one message without an id", () => {
    expect(isParentMessage({ type: 'shutdown' })).toBe(true);
    expect(isParentMessage({ type: 'leave' })).toBe(false);
  });
});
