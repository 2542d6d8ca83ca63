import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { mediapipeOffline } from './scripts/lib/mediapipe-offline.ts';
import { buildModelIndex } from './scripts/lib/models-index.ts';
import { precompressPlugin } from './scripts/lib/precompress.ts';
import { pwaPlugin } from './scripts/lib/pwa.ts';
import { contentSecurityPolicy, headersFile, securityHeaders } from './src/security/csp.ts';

const root = import.meta.dirname;
const modelsDir = resolve(root, 'models');
const types: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

/** Serve the committed `models/` folder at /models/ (dev and preview) and copy it into the build:
 *  one copy of each model in the repository, none in public/. */
function serveModels(): Plugin {
  const middleware = (req: { url?: string; headers?: Record<string, string | string[] | undefined> }, res: import('node:http').ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0] ?? '';
    if (!url.startsWith('/models/')) return next();
    if (url === '/models/index.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-cache');
      return void res.end(JSON.stringify(buildModelIndex(modelsDir)));
    }
    const file = normalize(join(modelsDir, decodeURIComponent(url.slice('/models/'.length))));
    if (!file.startsWith(modelsDir) || !existsSync(file) || !statSync(file).isFile()) return next();
    // An ETag, as a static host sends: model.json is revalidated on every start (jsonCache.ts), and
    // an unchanged one is then a 304 without its body.
    const stat = statSync(file);
    const etag = `W/"${stat.size}-${stat.mtimeMs.toFixed(0)}"`;
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    if (req.headers?.['if-none-match'] === etag) {
      res.statusCode = 304;
      return void res.end();
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  };
  return {
    name: 'resemote-models',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
    writeBundle: (options) => {
      const out = resolve(options.dir ?? 'dist', 'models');
      cpSync(modelsDir, out, { recursive: true });
      writeFileSync(resolve(out, 'index.json'), JSON.stringify(buildModelIndex(modelsDir)));
    },
  };
}

/** The Content-Security-Policy that keeps every request on the app's origin, as a meta tag (so the
 *  static build carries it anywhere it is hosted) and as a header in dev and preview. */
function csp(): Plugin {
  let dev = false;
  return {
    name: 'resemote-csp',
    configResolved: (config) => void (dev = config.command === 'serve' && config.mode !== 'production'),
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ dev }) }, injectTo: 'head-prepend' }],
  };
}

/** The security headers (src/security/csp.ts) on every response of the dev and preview servers, and
 *  as `_headers` in the build for static hosts that read it (Netlify, Cloudflare Pages); see
 *  docs/deploy-headers.md for other servers. Runs first, so responses that other middlewares end
 *  (the models) carry them too. */
function securityHeadersPlugin(): Plugin {
  let dev = false;
  const middleware = (headers: Record<string, string>) => (_req: unknown, res: import('node:http').ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
  return {
    name: 'resemote-security-headers',
    enforce: 'pre',
    configResolved: (config) => void (dev = config.command === 'serve' && config.mode !== 'production'),
    configureServer: (server) => void server.middlewares.use(middleware(securityHeaders({ dev }))),
    configurePreviewServer: (server) => void server.middlewares.use(middleware(securityHeaders({ dev: false }))),
    writeBundle: (options) => writeFileSync(resolve(options.dir ?? 'dist', '_headers'), headersFile(securityHeaders({ dev: false }))),
  };
}

export default defineConfig({
  // precompressPlugin before serveModels: in preview its middleware must see /models/ first, to send
  // the weights' precompressed copies. mediapipeOffline: MediaPipe's usage log is refused by the
  // engine itself, not only by the CSP (scripts/lib/mediapipe-offline.ts), on the page's thread and
  // in the engine's worker.
  plugins: [securityHeadersPlugin(), react(), precompressPlugin(), serveModels(), csp(), pwaPlugin(), mediapipeOffline()],
  worker: { plugins: () => [mediapipeOffline()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { port: 5173, strictPort: false },
  // The dev server pre-bundles what the app imports, found from index.html alone: without this it
  // crawls every HTML file of the repository, examples/index.html too, whose '@resemote/engine' is
  // the library build (npm run build:lib) and does not resolve here; the failed scan made Vite
  // re-optimise and reload pages mid-run (prepare-data's page.evaluate lost its context in CI).
  // MediaPipe's bundle is served as it is, not pre-bundled, so the dev server gives it the same
  // fetch-less scope as the build (pre-bundled dependencies do not go through plugins).
  optimizeDeps: { entries: ['index.html'], exclude: ['@mediapipe/tasks-vision'] },
  preview: { port: 4173 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
