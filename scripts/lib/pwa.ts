/**
 * The offline app (PWA): after `vite build`, write dist/sw.js, a small service worker that keeps
 * what the app uses so the next visit works offline, and downloads nothing the page did not:
 *
 * - **Cached at first use.** A file of the build that the page or the engine's workers fetch through
 *   the worker is kept as it comes in (one download, two readers). So the cache holds what this
 *   browser runs (the SIMD WebAssembly binaries, the engine's worker) and never what it does not
 *   (the plain build for browsers without SIMD, the page-thread engine where the worker runs). It
 *   used to precache every file at install, in parallel with the page's own downloads: MediaPipe's
 *   13 MB runtime went over the wire twice on a first visit.
 * - **Taken from the page.** What the page fetched before the worker controlled it is added from the
 *   browser's HTTP cache: at install the shell (the HTML, the entry script and styles, the manifest
 *   and icons, the engine worker's script; content-hashed files as they are there, `force-cache`,
 *   the others revalidated, `no-cache`: a 304 when unchanged), and once the page's engine is ready
 *   (its message 'keepFetched') every other file of the build the HTTP cache holds
 *   (`only-if-cached`: never a download). On a first visit the engine starts beside the worker's
 *   install, and what it fetched before the worker took control (MediaPipe's runtime, TF.js's
 *   binary) is kept that way.
 * - **Carried over between versions.** The list of the build's files carries each one's hash; a new
 *   version's install copies from the previous cache every file whose hash did not change, so a
 *   deploy that changes the app's script does not download the detector's runtime again.
 *
 * Each build's list and version come from the files' own hashes, so a new deploy is a new worker and
 * the page can offer "Reload for the new version". Models are not handled here: the app caches them
 * itself, checked by their SHA-256 (src/engine/modelLoader.ts).
 *
 * Why not vite-plugin-pwa / Workbox: this is a page of code with no runtime dependency, it runs under
 * the page's CSP as is (script-src 'self', connect-src 'self'), and it caches exactly what the app
 * needs offline without a generator to configure around Vite 8.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

/** Files of `dir`, relative, '/'-separated. */
function walk(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, root) : [relative(root, path).split(sep).join('/')];
  });
}

/** Never cached by the worker: the models (the app's own cache), the worker itself, files a server
 *  reads (headers, precompressed copies: the browser gets a file's content whatever its encoding). */
export const SKIP = [/^models\//, /^sw\.js$/, /^_headers$/, /\.map$/, /\.(br|gz)$/, /(^|\/)NOTICE\.md$/];

export interface Precache {
  /** Every file the worker may keep, as './path' ('./' for index.html), with the first 16 hex digits
   *  of its SHA-256. */
  files: Record<string, string>;
  /** The files the page fetches before the worker controls it, taken at install. */
  shell: string[];
  version: string;
}

const urlOf = (file: string) => (file === 'index.html' ? './' : `./${file}`);

/** What index.html loads (scripts, styles, icons, the manifest), as './path' of `files`. */
export function shellOf(html: string, files: readonly string[], base = '/'): string[] {
  const known = new Set(files);
  const out = new Set<string>(['./']);
  for (const m of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) {
    let ref = m[1]!;
    if (/^[a-z]+:/i.test(ref) || ref.startsWith('//')) continue; // another origin or a data: URL
    if (ref.startsWith(base)) ref = ref.slice(base.length);
    ref = ref.replace(/^\.\//, '').split(/[?#]/)[0]!;
    if (known.has(ref)) out.add(urlOf(ref));
  }
  // The engine's worker script: the page creates the worker as soon as it starts.
  for (const f of files) if (/^assets\/[^/]*worker[^/]*\.js$/.test(f)) out.add(urlOf(f));
  return [...out].sort();
}

/** The worker's file list, shell and version for a built app folder. */
export function precacheOf(dist: string, base = '/'): Precache {
  const list = walk(dist)
    .filter((f) => !SKIP.some((re) => re.test(f)))
    .sort();
  const version = createHash('sha256');
  const files: Record<string, string> = {};
  for (const f of list) {
    const data = readFileSync(join(dist, f));
    version.update(f).update(data);
    files[urlOf(f)] = createHash('sha256').update(data).digest('hex').slice(0, 16);
  }
  const html = list.includes('index.html') ? readFileSync(join(dist, 'index.html'), 'utf8') : '';
  return { files, shell: shellOf(html, list, base), version: version.digest('hex').slice(0, 16) };
}

export function serviceWorkerSource({ files, shell, version }: Precache): string {
  return `// Generated by scripts/lib/pwa.ts at build time; do not edit.
const VERSION = ${JSON.stringify(version)};
const PREFIX = 'resemote-shell-';
const CACHE = PREFIX + VERSION;
// Every file of this build the worker may keep, with its content's hash.
const FILES = ${JSON.stringify(files)};
// What the page fetched before this worker controlled it.
const SHELL = ${JSON.stringify(shell)};
// The list above, kept in the cache: the next version reads it to carry unchanged files over.
const LIST = './__resemote-files.json';
const abs = (u) => new URL(u, self.registration.scope).href;
const KEEP = new Set(Object.keys(FILES).map(abs));
const KEPT = { ignoreVary: true };

async function carryOver(cache) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const old = await caches.open(name);
    const listed = await old.match(abs(LIST), KEPT);
    if (!listed) continue;
    const hashes = await listed.json().catch(() => ({}));
    for (const [u, hash] of Object.entries(FILES)) {
      if (hashes[u] !== hash || (await cache.match(abs(u), KEPT))) continue;
      const kept = await old.match(abs(u), KEPT);
      if (kept) await cache.put(abs(u), kept);
    }
  }
}

async function takeShell(cache) {
  await Promise.all(SHELL.map(async (u) => {
    if (await cache.match(abs(u), KEPT)) return;
    // Content-hashed files as the HTTP cache has them; the others revalidated (a 304 when unchanged).
    const response = await fetch(abs(u), { cache: u.startsWith('./assets/') ? 'force-cache' : 'no-cache' });
    if (response.ok) await cache.put(abs(u), response);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await carryOver(cache);
    await takeShell(cache);
    await cache.put(abs(LIST), new Response(JSON.stringify(FILES), { headers: { 'Content-Type': 'application/json' } }));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// What the page and its workers fetched before this worker controlled them (on a first visit the
// engine starts at once, beside this worker's install), taken from the browser's HTTP cache and
// nowhere else: a file that is not there was not fetched, and is not downloaded for the cache.
async function keepFetched() {
  const cache = await caches.open(CACHE);
  for (const key of KEEP) {
    if (await cache.match(key, KEPT)) continue;
    try {
      const response = await fetch(key, { cache: 'only-if-cached', mode: 'same-origin' });
      if (response.status === 200) await cache.put(key, response);
    } catch {
      // not in the HTTP cache: never fetched, or evicted; it is kept the next time it is fetched
    }
  }
}

self.addEventListener('message', (event) => {
  // The page asks the waiting worker to take over when the user accepts the update.
  if (event.data === 'skipWaiting') self.skipWaiting();
  // The page's engine is ready: everything it needed has been fetched.
  else if (event.data === 'keepFetched') event.waitUntil(keepFetched());
});

// One download per file: a request for a file already on its way waits for it and reads the cache.
const arriving = new Map();

async function cacheFirst(event, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key, KEPT);
  if (cached) return cached;
  const pending = arriving.get(key);
  if (pending) {
    if (await pending) {
      const kept = await cache.match(key, KEPT);
      if (kept) return kept;
    }
    return fetch(event.request);
  }
  // Set before the first await below, so a second request for the same file finds it.
  let stored;
  arriving.set(key, new Promise((resolve) => (stored = resolve)));
  try {
    const response = await fetch(event.request);
    if (response.status !== 200 || response.type !== 'basic') {
      stored(false);
      return response;
    }
    const put = cache.put(key, response.clone()).then(() => true, () => false);
    put.then(stored);
    event.waitUntil(put);
    return response;
  } catch (err) {
    stored(false);
    throw err;
  } finally {
    arriving.get(key).then(() => arriving.delete(key));
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page: the network when there is one (a new deploy is seen), the kept shell offline.
    event.respondWith(fetch(request).catch(() => caches.match(abs('./'), KEPT).then((r) => r || Response.error())));
    return;
  }
  if (request.headers.has('range')) return;
  const key = url.origin + url.pathname;
  if (!KEEP.has(key)) return; // not a file of this build (the models: the app caches them itself)
  event.respondWith(cacheFirst(event, key));
});
`;
}

export function pwaPlugin(): Plugin {
  let outDir = 'dist';
  let base = '/';
  return {
    name: 'resemote-pwa',
    apply: 'build',
    configResolved: (config) => {
      outDir = config.build.outDir;
      base = config.base;
    },
    closeBundle() {
      writeFileSync(join(outDir, 'sw.js'), serviceWorkerSource(precacheOf(outDir, base)));
    },
  };
}
