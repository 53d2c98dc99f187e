/**
 * The CSP of both shells. 'wasm-unsafe-eval' lets tfjs compile its wasm backend; models are
 * fetched from our own origin only; blob: covers Human's workers and the canvas-to-JPEG path;
 * media from the local camera. Only the web shell carries the contract over a WebSocket, so only
 * its policy names ws: sources; the Electron page talks to main over IPC and may open no socket.
 */
function policy(connectSrc: string): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connectSrc}`,
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Web shell: the contract WebSocket on the same loopback host. Also the page's meta tag (a header can only narrow it). */
export const WEB_CONTENT_SECURITY_POLICY = policy("'self' ws://127.0.0.1:* ws://localhost:*");
/** Electron shell (app://): no WebSocket anywhere. */
export const ELECTRON_CONTENT_SECURITY_POLICY = policy("'self'");
