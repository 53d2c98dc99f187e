/**
 * One CSP for both shells. 'wasm-unsafe-eval' lets tfjs compile its wasm backend; models are
 * fetched from our own origin only; the contract WebSocket is same-host (ws: on the web host).
 * blob: covers Human's workers and the canvas-to-JPEG path; media from the local camera.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
