/**
 * The app's security policy, as a Content-Security-Policy meta tag and as HTTP response headers.
 * Pure (no DOM, no Node APIs): vite.config.ts uses it for the dev/preview servers and for the static
 * `_headers` file, and the unit tests check it.
 *
 * Every fetch, script, worker and media source must come from the app's own origin (or be a local
 * blob/data URL): nothing the user shows the camera leaves the device, and tasks-vision's usage
 * logging to a Google host is refused by `connect-src 'self'`. 'wasm-unsafe-eval' lets WebAssembly
 * (MediaPipe, tfjs) compile; nothing else is evaluated. Workers come from the app's own scripts
 * (or blob: URLs made from them). In dev, Vite's React refresh preamble is an inline script, so dev
 * alone allows inline scripts.
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
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The HTTP response headers the app is served with (dev and preview servers, and `dist/_headers` for
 * static hosts). They matter most against clickjacking: another origin framing the app with
 * `allow="camera"` could otherwise start the camera under a disguise.
 * - Content-Security-Policy: the policy above plus `frame-ancestors 'none'` (no page may frame the
 *   app), which only a header can carry: browsers ignore frame-ancestors in a meta tag.
 * - X-Frame-Options: DENY: the same for browsers without frame-ancestors.
 * - X-Content-Type-Options: nosniff: a response is only ever used as its declared type.
 * - Referrer-Policy: no-referrer: the app's URL is never sent anywhere.
 * - Permissions-Policy: the camera for the app's own origin only (never a frame), no microphone or
 *   location at all.
 * - Cross-Origin-Opener-Policy: same-origin: a page that opens the app gets no handle on its window.
 */
export function securityHeaders({ dev }: { dev: boolean }): Record<string, string> {
  return {
    'Content-Security-Policy': `${contentSecurityPolicy({ dev })}; frame-ancestors 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** The headers in the `_headers` format of Netlify and Cloudflare Pages: every path gets them all. */
export function headersFile(headers: Record<string, string>): string {
  return ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`)].join('\n') + '\n';
}
