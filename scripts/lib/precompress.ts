/**
 * Precompressed copies of the build, and a server that sends them.
 *
 * `npm run build` writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every
 * file of dist/ that compresses (scripts, styles, HTML, JSON, WebAssembly, the detector and the model
 * weights; not the PNG icons, which are compressed already): MediaPipe's 13 MB wasm runtime goes over
 * the wire as 2.7 MB. Compressing once at build time lets a server send the smallest copy without
 * spending a request's time on it (quality 11 takes ~25 s for that wasm on one core here), and a
 * copy already compressed is cached by its content's hash under node_modules/.cache, so only a file
 * that changed is compressed again.
 *
 * `vite preview` sends them through `precompressedMiddleware` (vite.config.ts); docs/deploy-headers.md
 * says how other servers do.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

/** Content types of the files a server sends compressed (the type of the file, not of its copy). */
export const COMPRESSIBLE: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** The encodings, best first: the file suffix of each copy. */
export const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** Files smaller than this are sent as they are (a copy would save less than its headers cost). */
const MIN_BYTES = 1024;
/** A copy must save at least this share of the file, or it is not written. */
const MIN_SAVING = 0.05;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

function compress(data: Buffer, encoding: 'br' | 'gzip'): Promise<Buffer> {
  return encoding === 'br'
    ? brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
    : gz(data, { level: constants.Z_BEST_COMPRESSION });
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface PrecompressedFile {
  /** Relative to the folder, '/'-separated. */
  file: string;
  bytes: number;
  br: number | null;
  gzip: number | null;
}

/**
 * Write `.br` and `.gz` copies beside every compressible file of `dir` (copies already there are
 * replaced). `cacheDir` keeps compressed bytes by the source's SHA-256 across builds.
 */
export async function precompressDir(dir: string, cacheDir?: string): Promise<PrecompressedFile[]> {
  const files = walk(dir).filter((f) => COMPRESSIBLE[extname(f)] !== undefined && statSync(f).size >= MIN_BYTES);
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });
  const jobs = files.map((path) => async (): Promise<PrecompressedFile> => {
    const data = readFileSync(path);
    const hash = createHash('sha256').update(data).digest('hex');
    const out: PrecompressedFile = { file: relative(dir, path).split(sep).join('/'), bytes: data.length, br: null, gzip: null };
    for (const { name, suffix } of ENCODINGS) {
      const cached = cacheDir ? join(cacheDir, `${hash}${suffix}`) : null;
      const copy = cached && existsSync(cached) ? readFileSync(cached) : await compress(data, name);
      if (cached && !existsSync(cached)) writeFileSync(cached, copy);
      if (copy.length > data.length * (1 - MIN_SAVING)) continue;
      writeFileSync(`${path}${suffix}`, copy);
      out[name] = copy.length;
    }
    return out;
  });
  // zlib's async calls run on libuv's pool: as many at once as there are cores.
  const results: PrecompressedFile[] = [];
  const next = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) results.push(await job());
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, next));
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

/** The encodings `accept` (an Accept-Encoding header) allows, in ENCODINGS' order. */
export function acceptedEncodings(accept: string | undefined): (typeof ENCODINGS)[number][] {
  const allowed = new Map<string, number>();
  for (const part of (accept ?? '').toLowerCase().split(',')) {
    const [token, ...params] = part.trim().split(';');
    if (!token) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    allowed.set(token.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (allowed.get(name) ?? (allowed.has('*') ? allowed.get('*')! : 0)) > 0;
  return ENCODINGS.filter((e) => ok(e.name));
}

/**
 * Connect middleware: a GET or HEAD of a file of `dir` that has a precompressed copy the request
 * accepts gets that copy, with the file's own Content-Type, `Content-Encoding`, `Vary:
 * Accept-Encoding` and an ETag of its own (If-None-Match answers 304). Anything else (no copy, no
 * accepted encoding, a Range request) goes on to the next middleware, which sends the file as it is.
 */
export function precompressedMiddleware(dir: string) {
  const root = resolve(dir);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.headers.range) return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return next();
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    const type = COMPRESSIBLE[extname(file)];
    if (!file.startsWith(root + sep) || !type || !existsSync(file)) return next();
    for (const { name, suffix } of acceptedEncodings(req.headers['accept-encoding'])) {
      const copy = `${file}${suffix}`;
      if (!existsSync(copy)) continue;
      const stat = statSync(copy);
      const etag = `W/"${stat.size}-${stat.mtimeMs.toFixed(0)}-${name}"`;
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', 'no-cache');
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        return void res.end();
      }
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', name);
      res.setHeader('Content-Length', stat.size);
      res.statusCode = 200;
      if (req.method === 'HEAD') return void res.end();
      return void createReadStream(copy).pipe(res);
    }
    next();
  };
}

/**
 * The build writes the copies once every other plugin has written its files (the models, the
 * service worker), and `vite preview` sends them. Its `closeBundle` runs last ('post').
 */
export function precompressPlugin(cacheDir = resolve(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'resemote-precompress')): Plugin {
  let outDir = 'dist';
  return {
    name: 'resemote-precompress',
    configResolved: (config) => void (outDir = resolve(config.root, config.build.outDir)),
    configurePreviewServer: (server) => void server.middlewares.use(precompressedMiddleware(outDir)),
    closeBundle: {
      order: 'post',
      async handler() {
        if (!existsSync(outDir)) return;
        const files = await precompressDir(outDir, cacheDir);
        const sum = (k: 'bytes' | 'br' | 'gzip') => files.reduce((n, f) => n + (f[k] ?? f.bytes), 0);
        this.info?.(`precompressed ${files.length} files: ${(sum('bytes') / 1e6).toFixed(1)} MB, ${(sum('br') / 1e6).toFixed(1)} MB as brotli, ${(sum('gzip') / 1e6).toFixed(1)} MB as gzip`);
      },
    },
  };
}
