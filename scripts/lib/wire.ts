/**
 * What a visit moves over the wire, counted where it is sent: a reverse proxy on localhost in front
 * of a server (the built app on `vite preview`), which forwards every request as it is and records,
 * per request, the path, the status, the Content-Encoding and the bytes of the response as sent
 * (headers and the body still encoded). The browser's own accounts (Playwright's request sizes,
 * DevTools) miss or blur what a service worker or a dedicated worker fetches and what an HTTP cache
 * served; the server's side does not. Used by `npm run bench:download` and e2e/download.spec.ts.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireRecord {
  method: string;
  /** Path and query, as the browser asked. */
  path: string;
  status: number;
  /** The response's Content-Encoding ('' when none). */
  encoding: string;
  /** The response's Content-Type, without parameters. */
  type: string;
  /** Bytes of the response sent to the browser: its status line and headers, and its body as sent. */
  bytes: number;
  /** The body alone, as sent (encoded). */
  bodyBytes: number;
  /** What the browser's request said it accepts. */
  acceptEncoding: string;
}

export interface WireProxy {
  /** The proxy's origin, with a trailing '/': open this instead of the server's. */
  url: string;
  /** Every response completed so far, in the order they ended. */
  records: WireRecord[];
  /** Requests received and not yet answered in full. */
  inFlight(): number;
  /** Forget the records so far (a new visit to count). */
  reset(): void;
  close(): Promise<void>;
}

/** The size of a response's status line and headers as Node writes them. */
function headerBytes(status: number, message: string, raw: string[]): number {
  let n = `HTTP/1.1 ${status} ${message}\r\n`.length + 2;
  for (let i = 0; i + 1 < raw.length; i += 2) n += Buffer.byteLength(`${raw[i]}: ${raw[i + 1]}\r\n`);
  return n;
}

const one = (h: IncomingHttpHeaders[string]) => (Array.isArray(h) ? h.join(', ') : (h ?? ''));

/** A counting proxy on 127.0.0.1 (any free port) in front of `target` (an http origin). */
export function wireProxy(target: string): Promise<WireProxy> {
  const upstream = new URL(target);
  const records: WireRecord[] = [];
  let open = 0;
  const server: Server = createServer((req, res) => {
    open++;
    res.on('close', () => void open--);
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      let body = 0;
      up.on('data', (chunk: Buffer) => void (body += chunk.length));
      up.on('end', () => {
        records.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status: up.statusCode ?? 0,
          encoding: one(up.headers['content-encoding']),
          type: one(up.headers['content-type']).split(';')[0]!.trim(),
          bytes: headerBytes(up.statusCode ?? 0, up.statusMessage ?? '', up.rawHeaders) + body,
          bodyBytes: body,
          acceptEncoding: one(req.headers['accept-encoding']),
        });
      });
      res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
      up.pipe(res);
    });
    forward.on('error', () => res.headersSent || res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        records,
        inFlight: () => open,
        reset: () => void records.splice(0),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Total bytes of `records`. */
export const wireBytes = (records: readonly WireRecord[]) => records.reduce((n, r) => n + r.bytes, 0);

/** Paths (query dropped) fetched with a full body more than once: the same file downloaded twice. */
export function downloadedTwice(records: readonly WireRecord[]): { path: string; times: number; bytes: number }[] {
  const byPath = new Map<string, { times: number; bytes: number }>();
  for (const r of records) {
    if (r.method !== 'GET' || r.status !== 200) continue; // a 304 sends no body
    const path = r.path.split('?')[0]!;
    const seen = byPath.get(path) ?? { times: 0, bytes: 0 };
    byPath.set(path, { times: seen.times + 1, bytes: seen.bytes + r.bytes });
  }
  return [...byPath].filter(([, v]) => v.times > 1).map(([path, v]) => ({ path, ...v }));
}
