import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FivePoints, LandmarkSet } from '../align';
import { FaceError } from '../errors';

/**
 * A model manifest: everything the engine needs to drive one ONNX (or OpenVINO IR) model, so a site that
 * licenses another model drops in its file and a manifest instead of changing code. Paths are relative to
 * the manifest's folder; every file's sha256 is checked at load, so a swapped file fails loudly.
 */
export interface ModelManifest {
  id: string;
  kind: 'embedder' | 'landmarks' | 'detector';
  description: string;
  /** 'onnx': files.model is an ONNX file; 'openvino-ir': files.model is IR XML and files.weights its .bin. */
  format: 'onnx' | 'openvino-ir';
  files: { model: string; weights?: string };
  sha256: Record<string, string>;
  /** Square input side, channel order, and per-channel (pixel − mean) / std in that order, NCHW. */
  input: { size: number; colour: 'RGB' | 'BGR'; mean: [number, number, number]; std: [number, number, number] };
  /** Embedders: where the five landmarks should land, as fractions of the side. */
  template?: { landmarks: LandmarkSet; points: FivePoints };
  output?: { dims: number; metric?: 'cosine' };
  licence: { spdx: string; file: string; source: string; trainingData: string };
  /** The folder the manifest was read from (set on load). */
  dir: string;
}

const fail = (where: string, what: string): never => {
  throw new FaceError('Error.ModelMissing', `Model manifest ${where} is invalid (${what}); fix it or remove it from the models folder.`);
};

const triple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => Number.isFinite(x));

/** Check a manifest's shape (pure). */
export function parseManifest(json: unknown, dir: string, where = dir): ModelManifest {
  const m = json as Partial<ModelManifest> | null;
  if (!m || typeof m.id !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(m.id)) fail(where, 'id');
  if (m!.kind !== 'embedder' && m!.kind !== 'landmarks' && m!.kind !== 'detector') fail(where, 'kind');
  if (m!.format !== 'onnx' && m!.format !== 'openvino-ir') fail(where, 'format');
  if (!m!.files || typeof m!.files.model !== 'string') fail(where, 'files.model');
  if (m!.format === 'openvino-ir' && typeof m!.files!.weights !== 'string') fail(where, 'files.weights');
  for (const file of [m!.files!.model, m!.files!.weights].filter((f): f is string => !!f)) {
    if (!/^[0-9a-f]{64}$/.test(m!.sha256?.[file] ?? '')) fail(where, `sha256 of ${file}`);
  }
  const input = m!.input;
  if (!input || !Number.isInteger(input.size) || input.size < 8 || (input.colour !== 'RGB' && input.colour !== 'BGR') || !triple(input.mean) || !triple(input.std) || input.std.some((s) => s === 0)) {
    fail(where, 'input');
  }
  if (m!.kind === 'embedder') {
    const t = m!.template;
    if (!t || t.landmarks !== 'centres' || !Array.isArray(t.points) || t.points.length !== 5) fail(where, 'template');
    if (!m!.output || !Number.isInteger(m!.output.dims) || m!.output.dims < 1) fail(where, 'output.dims');
  }
  if (!m!.licence || typeof m!.licence.spdx !== 'string' || typeof m!.licence.source !== 'string') fail(where, 'licence');
  return { ...(m as ModelManifest), dir };
}

/** The folders searched for manifests: the shipped models, then any the operator adds (later wins). */
export function shippedModelsDir(): string {
  // From the TS sources (face/onnx): face/models; from the bundle (out/main or out/main/chunks): out/main/face-models,
  // which electron.vite.config.ts copies there.
  const here = import.meta.dirname;
  for (const dir of [join(here, '..', 'models'), join(here, 'face-models'), join(here, '..', 'face-models')]) {
    if (existsSync(join(dir, 'NOTICE'))) return dir;
  }
  throw new FaceError('Error.ModelMissing', `The face models folder was not found next to ${here}; rebuild (npm run build) or reinstall.`);
}

/** Every manifest in `dirs` by id (a later folder overrides an earlier one). */
export function readManifests(dirs: readonly string[]): Map<string, ModelManifest> {
  const out = new Map<string, ModelManifest>();
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new FaceError('Error.ModelMissing', `Models folder ${dir} does not exist; fix the setting that names it.`);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(dir, file);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        fail(path, `not JSON: ${(error as Error).message}`);
      }
      const m = parseManifest(json, dirname(path), path);
      out.set(m.id, m);
    }
  }
  return out;
}

/** Read a manifest's file, refusing it when its sha256 is not the manifest's. */
export function readModelFile(manifest: ModelManifest, file: string): Uint8Array {
  const path = join(manifest.dir, file);
  if (!existsSync(path)) throw new FaceError('Error.ModelMissing', `${manifest.id}: ${path} is missing; reinstall, or remove the manifest.`);
  const bytes = readFileSync(path);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== manifest.sha256[file]) {
    throw new FaceError('Error.ModelMissing', `${manifest.id}: ${path} has sha256 ${digest}, the manifest expects ${manifest.sha256[file]}; the file was changed or is not the model the manifest describes.`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
