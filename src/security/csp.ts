/**
 * The app's Content-Security-Policy. Every fetch, script, worker and media source must come from the
 * app's own origin (or be a local blob/data URL): nothing the user shows the camera leaves the
 * device, and tasks-vision's usage logging to a Google host is refused by `connect-src 'self'`.
 * 'wasm-unsafe-eval' lets WebAssembly (MediaPipe, tfjs) compile; nothing else is evaluated.
 * In dev, Vite's React refresh preamble is an inline script, so dev alone allows inline scripts.
 */
export function contentSecurityPolicy({ dev }: { dev: boolean }): string {
  const script = ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])];
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}
