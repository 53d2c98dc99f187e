import type { CaptureSettings, FaceBackend } from '../contract';

export type BrowserBackend = Exclude<FaceBackend, 'cpu'>;

export interface GraphicsProbe {
  /** navigator.gpu returned an adapter. */
  webgpuAdapter: boolean;
  /** UNMASKED_RENDERER_WEBGL (or RENDERER) of a WebGL2 context; null when WebGL is unavailable. */
  webglRenderer: string | null;
}

/** Software rasterisers run Human at about 1 fps, far slower than wasm on the CPU. */
export function isSoftwareGl(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i.test(renderer);
}

/**
 * Backends to try in order. auto: webgpu, then webgl on real hardware, then wasm. An explicit
 * choice is tried first (the operator knows the machine) and wasm stays as the last resort.
 */
export function backendCandidates(preferred: CaptureSettings['preferredBackend'], probe: GraphicsProbe): BrowserBackend[] {
  const auto: BrowserBackend[] = [];
  if (probe.webgpuAdapter) auto.push('webgpu');
  if (probe.webglRenderer !== null && !isSoftwareGl(probe.webglRenderer)) auto.push('webgl');
  auto.push('wasm');
  if (preferred === 'auto') return auto;
  return [preferred, ...auto.filter((b) => b !== preferred)];
}
