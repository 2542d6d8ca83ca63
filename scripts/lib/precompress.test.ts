import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedEncodings, precompressDir, precompressedMiddleware } from './precompress';

/** Bytes that do not compress, the same on every call (SHA-256 blocks of a counter). */
const noise = (n: number) => Buffer.concat(Array.from({ length: Math.ceil(n / 32) }, (_, i) => createHash('sha256').update(String(i)).digest())).subarray(0, n);
const text = (n: number) => 'const answer = 42; // the same line again and again\n'.repeat(Math.ceil(n / 52)).slice(0, n);

function dist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'precompress-'));
  const files: Record<string, string | Buffer> = {
    'index.html': `<!doctype html>${text(4000)}`,
    'assets/index-abc.js': text(20_000),
    'runtime/engine.wasm': Buffer.from(text(50_000)),
    'tiny.js': 'x=1',
    'icons/icon.png': text(5000), // a PNG is compressed already: never copied
    'random.bin': noise(8000), // does not compress: no copy
  };
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

describe('precompressed copies of the build', () => {
  it('writes .br and .gz beside every file that compresses, each decoding to the file itself', async () => {
    const dir = dist();
    const written = await precompressDir(dir);
    expect(written.filter((f) => f.br !== null).map((f) => f.file)).toEqual(['assets/index-abc.js', 'index.html', 'runtime/engine.wasm']);
    for (const f of ['index.html', 'assets/index-abc.js', 'runtime/engine.wasm']) {
      const original = readFileSync(join(dir, f));
      expect(brotliDecompressSync(readFileSync(join(dir, `${f}.br`)))).toEqual(original);
      expect(gunzipSync(readFileSync(join(dir, `${f}.gz`)))).toEqual(original);
    }
    // Too small to be worth it, not a compressible type, or not smaller: sent as they are.
    for (const f of ['tiny.js', 'icons/icon.png', 'random.bin']) expect(existsSync(join(dir, `${f}.br`)) || existsSync(join(dir, `${f}.gz`))).toBe(false);
  });

  it('compresses a file once: a later build takes the copy from the cache by its content', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'precompress-cache-'));
    await precompressDir(dist(), cache);
    const kept = readdirSync(cache).sort();
    expect(kept.length).toBe(8); // four compressible files (one that does not shrink), two encodings
    const again = dist();
    await precompressDir(again, cache);
    expect(readdirSync(cache).sort()).toEqual(kept);
    expect(brotliDecompressSync(readFileSync(join(again, 'runtime/engine.wasm.br')))).toEqual(readFileSync(join(again, 'runtime/engine.wasm')));
  });

  it('reads Accept-Encoding: brotli before gzip, q=0 refused, nothing for identity', () => {
    expect(acceptedEncodings('gzip, deflate, br, zstd').map((e) => e.name)).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('br;q=0, gzip;q=0.5').map((e) => e.name)).toEqual(['gzip']);
    expect(acceptedEncodings('*').map((e) => e.name)).toEqual(['br', 'gzip']);
    expect(acceptedEncodings(undefined)).toEqual([]);
    expect(acceptedEncodings('identity')).toEqual([]);
  });
});

describe('the preview middleware', () => {
  let server: Server;
  let base: string;
  let dir: string;
  beforeAll(async () => {
    dir = dist();
    await precompressDir(dir);
    const middleware = precompressedMiddleware(dir);
    server = createServer((req, res) => middleware(req, res, () => res.writeHead(299, { 'X-Next': '1' }).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // fetch() would ask for and undo the encoding itself: node's http shows what was sent.
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${base}${path}`, { method, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
    });

  it("sends the brotli copy with the file's own type, Content-Encoding and Vary", async () => {
    const res = await get('/runtime/engine.wasm', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/wasm');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(brotliDecompressSync(res.body)).toEqual(readFileSync(join(dir, 'runtime/engine.wasm')));
  });

  it('sends gzip to a browser without brotli, and index.html for a folder', async () => {
    const res = await get('/', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(gunzipSync(res.body)).toEqual(readFileSync(join(dir, 'index.html')));
  });

  it('answers a repeated request with 304 from its ETag', async () => {
    const first = await get('/assets/index-abc.js', { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const again = await get('/assets/index-abc.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('leaves to the next server what it has no copy for, what the browser does not accept, a range and a path outside the folder', async () => {
    for (const [path, headers] of [
      ['/tiny.js', { 'accept-encoding': 'br' }],
      ['/runtime/engine.wasm', {}],
      ['/runtime/engine.wasm', { 'accept-encoding': 'br', range: 'bytes=0-9' }],
      ['/../../etc/passwd', { 'accept-encoding': 'br' }],
      ['/missing.js', { 'accept-encoding': 'br' }],
    ] as const) {
      const res = await get(path, headers);
      expect(res.headers['x-next'], path).toBe('1');
    }
  });

  it('answers HEAD with the headers alone', async () => {
    const res = await get('/runtime/engine.wasm', { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.body.length).toBe(0);
  });
});
