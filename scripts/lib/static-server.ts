/**
 * A small static file server for the library's example (npm run example, e2e/library.spec.ts): the
 * repository's files as they are, the way a user's own site would serve the package (the right
 * MIME types for modules and WebAssembly, nothing outside `root`). No headers beyond that: the
 * example shows the library working on a plain page, without the app's CSP.
 *
 * `faults` (tests) makes chosen paths fail the two ways a deployment does: 'missing' (404) or 'html'
 * (200 with an HTML page, as a dev server or a single-page host answers an unknown path).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

export type Fault = 'missing' | 'html';

export interface StaticServer {
  url: string;
  server: Server;
  /** URL paths (from '/') answered wrongly on purpose; empty unless a test sets some. */
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

const INDEX_PAGE = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>An app</title></head><body><div id="root"></div></body></html>\n';

/** Serve `root` on `port` (0: any free port) of localhost. */
export function serveStatic(root: string, port = 0): Promise<StaticServer> {
  const faults = new Map<string, Fault>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const fault = faults.get(path);
    if (fault === 'missing') return void res.writeHead(404).end('not found');
    if (fault === 'html') return void res.writeHead(200, { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-cache' }).end(INDEX_PAGE);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({ url: `http://localhost:${bound}`, server, faults, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
