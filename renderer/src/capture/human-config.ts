import type { Config } from '@vladmandic/human';
import type { BrowserBackend } from '../../../capture/backend';

/**
 * Human's configuration for the capture loop. Every frame may become a decision frame (gate,
 * passive liveness, challenge), so result caching and frame skipping are off everywhere:
 * by default Human reuses liveness for up to 4 s, which would let an old frame vouch for a new one.
 * The benchmark's raw loop uses this same config so the two loops do the same model work.
 */
export function captureHumanConfig(backend: BrowserBackend, assetsBase: string): Partial<Config> {
  return {
    backend,
    modelBasePath: new URL('human/models/', assetsBase).href,
    wasmPath: new URL('human/wasm/', assetsBase).href,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    skipAllowed: false,
    deallocate: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: 3, minConfidence: 0.3, skipFrames: 0, skipTime: 0, minSize: 0, return: false },
      mesh: { enabled: true, keepInvalid: false },
      iris: { enabled: true, skipFrames: 0, skipTime: 0 },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: true, skipFrames: 0, skipTime: 0 },
      liveness: { enabled: true, skipFrames: 0, skipTime: 0 },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

/** The models this config loads; each must show loaded in human.models.stats(). */
export const CAPTURE_MODELS = ['blazeface', 'facemesh', 'iris', 'antispoof', 'liveness'] as const;
