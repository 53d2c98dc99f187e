import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceError } from './errors';

// tfjs, Human and face-api must share one CommonJS instance of @tensorflow/tfjs, so every
// Node-side model library is loaded through the same `require`.
const requireCjs = createRequire(import.meta.url);

export type Tf = typeof import('@tensorflow/tfjs');

/** Where a package lives on disk; works from the TS sources, the vite bundle and a packaged app. */
export function packageDir(name: string): string {
  for (const base of requireCjs.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new FaceError('Error.ModelMissing', `npm package ${name} is not installed; run npm install (models are never downloaded at run time).`);
}

/**
 * A model file from an npm package. A build carries copies of the files the worker needs in
 * out/main/models (electron.vite.config.ts), so the packaged app does not ship the whole package.
 */
export function modelFile(pkg: string, relative: string): string {
  const here = import.meta.dirname;
  for (const dir of [join(here, 'models'), join(here, '..', 'models')]) {
    const copy = join(dir, basename(relative));
    if (existsSync(copy)) return copy;
  }
  return join(packageDir(pkg), relative);
}

let tfPromise: Promise<Tf> | null = null;

/** tfjs with the wasm backend, wasm binaries read from the local package (never a CDN). */
export function loadTf(): Promise<Tf> {
  tfPromise ??= (async () => {
    const tf = requireCjs('@tensorflow/tfjs') as Tf;
    const wasm = requireCjs('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    wasm.setWasmPaths(`${join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist')}/`);
    installFileFetch();
    if (!(await tf.setBackend('wasm'))) throw new FaceError('Error.InternalError', 'The tfjs wasm backend failed to initialise.');
    await tf.ready();
    tf.enableProdMode();
    return tf;
  })();
  return tfPromise;
}

/**
 * Node's fetch refuses file:// URLs, and Human loads its models with fetch. Serve file:// from disk
 * and hand everything else to the real fetch. Installed only inside the face runtime (worker thread).
 */
function installFileFetch(): void {
  const original = globalThis.fetch as typeof fetch & { renzhengFileFetch?: true };
  if (original.renzhengFileFetch) return;
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const bytes = await readFile(fileURLToPath(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  }) as typeof fetch & { renzhengFileFetch?: true };
  wrapped.renzhengFileFetch = true;
  globalThis.fetch = wrapped;
}

/** The part of a converted TensorFlow graph (model.json `modelTopology`) a repair needs to see. */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, { list?: { s?: string[] } } & Record<string, unknown>>;
}
export interface GraphTopology {
  node: GraphNode[];
  [key: string]: unknown;
}
/** A converted graph as read from disk: topology, weight specs, and all weights in one float buffer. */
export interface ConvertedGraph {
  topology: GraphTopology;
  weightSpecs: import('@tensorflow/tfjs').io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Load a tfjs graph model (model.json + .bin shards) from a directory on disk. */
export async function loadGraphModel(
  tf: Tf,
  jsonPath: string,
  repair?: (model: ConvertedGraph) => ConvertedGraph,
): Promise<import('@tensorflow/tfjs').GraphModel> {
  if (!existsSync(jsonPath)) throw new FaceError('Error.ModelMissing', `Model file ${jsonPath} is missing; reinstall the app or run npm install.`);
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as {
    modelTopology: GraphTopology;
    weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    signature?: object;
    userDefinedMetadata?: Record<string, unknown>;
  };
  const read = await readWeights(dirname(jsonPath), json.weightsManifest);
  const loaded: ConvertedGraph = { topology: json.modelTopology, weightSpecs: read.weightSpecs, weightData: read.weightData };
  const { topology, weightSpecs, weightData } = repair ? repair(loaded) : loaded;
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: topology,
      weightSpecs,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}

/** Read a weights manifest and its shards into one buffer. */
export async function readWeights(
  dir: string,
  manifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[],
): Promise<{ weightSpecs: import('@tensorflow/tfjs').io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const shards = await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))));
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const shard of shards) {
    out.set(shard, offset);
    offset += shard.byteLength;
  }
  return { weightSpecs, weightData: out.buffer };
}

/** require() for CommonJS model libraries loaded by file path (Human's `exports` map is malformed). */
export function requireFile<T>(path: string): T {
  if (!existsSync(path)) throw new FaceError('Error.ModelMissing', `${path} is missing; run npm install.`);
  return requireCjs(path) as T;
}
