import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadedTwice, type WireProxy, wireBytes, wireProxy } from './wire';

describe('the counting proxy', () => {
  let upstream: Server;
  let proxy: WireProxy;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { 'Content-Type': 'application/wasm; x=1', 'Content-Encoding': 'br', ETag: '"v1"' });
      res.end(Buffer.alloc(1000, 7));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    proxy = await wireProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<Buffer>((resolve, reject) => {
      const req = request(new URL(path, proxy.url), { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      });
      req.on('error', reject);
      req.end();
    });

  it('passes responses through as sent and records each: path, status, encoding, type, bytes', async () => {
    proxy.reset();
    expect((await get('/a.wasm?v=2', { 'accept-encoding': 'br' })).length).toBe(1000);
    await get('/a.wasm', { 'if-none-match': '"v1"' });
    await get('/b.wasm');
    expect(proxy.records.map((r) => [r.path, r.status, r.encoding, r.type, r.bodyBytes, r.acceptEncoding])).toEqual([
      ['/a.wasm?v=2', 200, 'br', 'application/wasm', 1000, 'br'],
      ['/a.wasm', 304, '', '', 0, ''],
      ['/b.wasm', 200, 'br', 'application/wasm', 1000, ''],
    ]);
    // Headers count too: every response costs more than its body.
    expect(proxy.records.every((r) => r.bytes > r.bodyBytes)).toBe(true);
    expect(wireBytes(proxy.records)).toBe(proxy.records.reduce((n, r) => n + r.bytes, 0));
    expect(proxy.inFlight()).toBe(0);
  });

  it('names a file sent in full twice (its query aside), not one revalidated with a 304', async () => {
    proxy.reset();
    await get('/a.wasm');
    await get('/a.wasm', { 'if-none-match': '"v1"' });
    expect(downloadedTwice(proxy.records)).toEqual([]);
    await get('/a.wasm?again');
    expect(downloadedTwice(proxy.records)).toEqual([{ path: '/a.wasm', times: 2, bytes: proxy.records[0]!.bytes + proxy.records[2]!.bytes }]);
  });
});
