import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { precacheOf, serviceWorkerSource, shellOf } from './pwa';

function build(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), body);
  }
  return dir;
}

const HTML =
  '<link rel="icon" href="/icons/icon-192.png"><link rel="manifest" href="/manifest.webmanifest"><script type="module" src="/assets/index-abc.js"></script><link rel="stylesheet" href="/assets/index-abc.css"><a href="https://example.org/">x</a>';

describe('service worker file list', () => {
  const files = {
    'index.html': HTML,
    'assets/index-abc.js': 'js',
    'assets/index-abc.css': 'css',
    'assets/engine.worker-abc.js': 'worker',
    'assets/engine-abc.js': 'page engine',
    'icons/icon-192.png': 'png',
    'manifest.webmanifest': '{}',
    'mediapipe/wasm/x.wasm': 'wasm',
    'mediapipe/wasm/x.wasm.br': 'copy',
    'tfjs-wasm/tfjs-backend-wasm-simd.wasm': 'wasm',
    'tfjs-wasm/NOTICE.md': '#',
    'models/m/model.json': '{}',
    'models/index.json': '[]',
    _headers: '/*',
    'sw.js': 'old',
  };

  it('lists the build, not the models (cached by the app itself), the headers, notices, precompressed copies or an old worker', () => {
    const { files: listed } = precacheOf(build(files));
    expect(Object.keys(listed).sort()).toEqual([
      './',
      './assets/engine-abc.js',
      './assets/engine.worker-abc.js',
      './assets/index-abc.css',
      './assets/index-abc.js',
      './icons/icon-192.png',
      './manifest.webmanifest',
      './mediapipe/wasm/x.wasm',
      './tfjs-wasm/tfjs-backend-wasm-simd.wasm',
    ]);
  });

  it("takes at install only the shell the page fetched before the worker controlled it, never the detector's runtime or the TF.js binaries", () => {
    const { shell } = precacheOf(build(files));
    expect(shell).toEqual(['./', './assets/engine.worker-abc.js', './assets/index-abc.css', './assets/index-abc.js', './icons/icon-192.png', './manifest.webmanifest']);
    expect(shell.some((u) => u.endsWith('.wasm'))).toBe(false);
  });

  it('reads the shell from index.html under another base, leaving other origins out', () => {
    expect(shellOf(HTML.replaceAll('"/', '"/app/'), ['assets/index-abc.js', 'assets/index-abc.css'], '/app/')).toEqual(['./', './assets/index-abc.css', './assets/index-abc.js']);
  });

  it("gives each file its content's hash, so a new version carries over the files that did not change", () => {
    const a = precacheOf(build(files)).files;
    const b = precacheOf(build({ ...files, 'assets/index-abc.js': 'changed' })).files;
    expect(b['./assets/index-abc.js']).not.toBe(a['./assets/index-abc.js']);
    expect(b['./mediapipe/wasm/x.wasm']).toBe(a['./mediapipe/wasm/x.wasm']);
  });

  it('has a version made of the files: a new deploy is a new worker, the same build the same', () => {
    const a = precacheOf(build(files));
    expect(precacheOf(build(files)).version).toBe(a.version);
    expect(precacheOf(build({ ...files, 'assets/index-abc.js': 'changed' })).version).not.toBe(a.version);
    const src = serviceWorkerSource(a);
    expect(src).toContain(`const VERSION = "${a.version}"`);
    expect(src).toContain(JSON.stringify(a.files));
    // No install-time download of the whole list: the old worker's cache.addAll(PRECACHE) is gone.
    expect(src).not.toContain('addAll');
  });
});

/**
 * The generated worker run in Node against small fakes of what a browser gives it (self, caches,
 * fetch): what it downloads, when, and what it keeps.
 */
describe('the generated service worker', () => {
  const ORIGIN = 'https://app.test';
  const FILES = { './': 'h-index', './assets/index-abc.js': 'h-js', './assets/engine.worker-abc.js': 'h-worker', './mediapipe/x.wasm': 'h-wasm', './tfjs-wasm/plain.wasm': 'h-plain' };
  const SHELL = ['./', './assets/engine.worker-abc.js', './assets/index-abc.js'];

  /** A response as a same-origin fetch gives it ('basic'; a constructed Response says 'default'). */
  class Basic extends Response {
    override get type(): ResponseType {
      return 'basic';
    }
  }

  class FakeCache {
    entries = new Map<string, { body: string; status: number }>();
    async match(key: string | Request) {
      const hit = this.entries.get(typeof key === 'string' ? key : key.url);
      return hit ? new Response(hit.body, { status: hit.status }) : undefined;
    }
    async put(key: string, response: Response) {
      this.entries.set(key, { body: await response.text(), status: response.status });
    }
    async keys() {
      return [...this.entries.keys()].map((url) => ({ url }));
    }
  }

  /** One browser: its Cache Storage and HTTP cache outlive a worker version, as they do. */
  function browser() {
    const storage = new Map<string, FakeCache>();
    const httpCache = new Set<string>();
    const network: { url: string; mode?: string }[] = [];
    const caches = {
      open: async (name: string) => storage.get(name) ?? storage.set(name, new FakeCache()).get(name)!,
      keys: async () => [...storage.keys()],
      delete: async (name: string) => storage.delete(name),
      match: async (key: string) => {
        for (const c of storage.values()) {
          const hit = await c.match(key);
          if (hit) return hit;
        }
        return undefined;
      },
    };
    let release: (() => void) | null = null;
    const fetch = async (input: string | Request, init: RequestInit = {}) => {
      const url = typeof input === 'string' ? input : input.url;
      if (init.cache === 'only-if-cached') {
        if (!httpCache.has(url)) throw new TypeError('not in the HTTP cache');
        return new Basic(`body of ${url}`);
      }
      if (init.cache === 'force-cache' && httpCache.has(url)) return new Basic(`body of ${url}`);
      network.push({ url, ...(init.cache ? { mode: init.cache } : {}) });
      if (url.endsWith('.wasm') && release === null) await new Promise<void>((r) => (release = r)); // the first .wasm arrives when the test says
      httpCache.add(url);
      return new Basic(`body of ${url}`);
    };
    return { storage, httpCache, network, caches, fetch, arrive: () => release?.() };
  }

  type Listener = (event: Record<string, unknown>) => void;
  /** Load one version of the worker in `b`; its events are dispatched by hand. */
  function load(b: ReturnType<typeof browser>, files: Record<string, string>, version: string) {
    const listeners: Record<string, Listener> = {};
    const self = {
      registration: { scope: `${ORIGIN}/` },
      location: { origin: ORIGIN },
      clients: { claim: async () => undefined },
      skipWaiting: () => undefined,
      addEventListener: (type: string, fn: Listener) => void (listeners[type] = fn),
    };
    new Function('self', 'caches', 'fetch', serviceWorkerSource({ files, shell: SHELL, version }))(self, b.caches, b.fetch);
    const extendable = () => {
      const waits: Promise<unknown>[] = [];
      return { waits, waitUntil: (p: Promise<unknown>) => void waits.push(p) };
    };
    return {
      async install() {
        const e = extendable();
        listeners.install!(e);
        await Promise.all(e.waits);
      },
      async message(data: string) {
        const e = { ...extendable(), data };
        listeners.message!(e);
        await Promise.all(e.waits);
      },
      /** A GET of `path` by a controlled client: the worker's answer (undefined: left to the network), and its waits. */
      request(path: string) {
        const e = { ...extendable(), request: new Request(`${ORIGIN}${path}`), answer: undefined as Promise<Response> | undefined };
        listeners.fetch!({ ...e, respondWith: (p: Promise<Response>) => void (e.answer = p) });
        return e;
      },
    };
  }
  const shellUrls = SHELL.map((u) => new URL(u, `${ORIGIN}/`).href);

  it('takes at install only the shell, content-hashed files from the HTTP cache as they are, the rest revalidated', async () => {
    const b = browser();
    for (const u of shellUrls) b.httpCache.add(u); // the page fetched them before the worker existed
    await load(b, FILES, 'v1').install();
    expect(b.network).toEqual([{ url: `${ORIGIN}/`, mode: 'no-cache' }]); // the HTML revalidated (a 304 on the wire); the hashed assets not asked for at all
    const kept = [...b.storage.get('resemote-shell-v1')!.entries.keys()];
    expect(kept.filter((u) => u.endsWith('.wasm'))).toEqual([]);
    expect(kept).toEqual(expect.arrayContaining(shellUrls));
  });

  it('keeps a file at its first use, downloading it once for two readers at the same time', async () => {
    const b = browser();
    const sw = load(b, FILES, 'v1');
    await sw.install();
    const first = sw.request('/mediapipe/x.wasm');
    const second = sw.request('/mediapipe/x.wasm');
    await new Promise((r) => setImmediate(r)); // every promise of the fakes settled: both requests wait on the first download
    b.arrive();
    expect(await (await first.answer!).text()).toBe(`body of ${ORIGIN}/mediapipe/x.wasm`);
    await Promise.all(first.waits);
    expect(await (await second.answer!).text()).toBe(`body of ${ORIGIN}/mediapipe/x.wasm`);
    expect(await (await sw.request('/mediapipe/x.wasm?v=2').answer!).text()).toBe(`body of ${ORIGIN}/mediapipe/x.wasm`);
    expect(b.network.filter((n) => n.url.endsWith('.wasm'))).toEqual([{ url: `${ORIGIN}/mediapipe/x.wasm` }]);
  });

  it('leaves alone what is not a file of the build (the models), a Range request and another origin', async () => {
    const sw = load(browser(), FILES, 'v1');
    expect(sw.request('/models/m/model.json').answer).toBeUndefined();
    expect(sw.request('/somewhere-else.js').answer).toBeUndefined();
  });

  it("once the page's engine is ready, keeps what the HTTP cache holds and downloads nothing", async () => {
    const b = browser();
    const sw = load(b, FILES, 'v1');
    await sw.install();
    b.httpCache.add(`${ORIGIN}/mediapipe/x.wasm`); // fetched by the engine before the worker took control
    const before = b.network.length;
    await sw.message('keepFetched');
    expect(b.network.length).toBe(before);
    const kept = [...b.storage.get('resemote-shell-v1')!.entries.keys()];
    expect(kept).toContain(`${ORIGIN}/mediapipe/x.wasm`);
    expect(kept).not.toContain(`${ORIGIN}/tfjs-wasm/plain.wasm`); // never fetched: never kept
  });

  it('a new version carries over the files whose content did not change, without downloading them', async () => {
    const b = browser();
    const v1 = load(b, FILES, 'v1');
    await v1.install();
    b.httpCache.add(`${ORIGIN}/mediapipe/x.wasm`);
    await v1.message('keepFetched');
    b.httpCache.clear(); // whatever the HTTP cache held is gone by the next deploy
    b.network.length = 0;
    await load(b, { ...FILES, './assets/index-abc.js': 'h-js-2' }, 'v2').install();
    const kept = b.storage.get('resemote-shell-v2')!.entries;
    expect(kept.get(`${ORIGIN}/mediapipe/x.wasm`)?.body).toBe(`body of ${ORIGIN}/mediapipe/x.wasm`);
    expect(b.network.map((n) => n.url)).not.toContain(`${ORIGIN}/mediapipe/x.wasm`);
    expect(b.network.map((n) => n.url)).toContain(`${ORIGIN}/assets/index-abc.js`); // changed: taken anew
  });
});
