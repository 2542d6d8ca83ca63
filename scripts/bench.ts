/**
 * Benchmark the app as a user meets it: the built app (vite preview) in headless Chromium with a
 * fake camera. Prints figures, never fails on them (targets live in docs/speed.md, not in tests).
 *
 *   npm run bench -- [--backends auto,wasm,webgl,webgpu] [--url http://host:port/] [--out file.json]
 *                    [--photo-runs 3] [--photo-vs http://host:port/]
 *
 * `--backends ''` runs no backend's camera figures: only the photo path (and "Why?" for none).
 *                    [--skip memory,switch,fps4,timing] [--cold-starts N] [--memory-frames N] [--port 4180]
 *
 * `auto` is a fresh visitor's start: nothing pinned, the app chooses (since 0.3.0: WebAssembly
 * first, then a GPU backend if it is warm and measurably faster); the others are pinned through the
 * stored settings, as a user's choice. Per backend:
 *   cold   time from navigation to the first analysed camera frame, fresh profile (nothing cached);
 *          bytes downloaded; the longest main-thread task (PerformanceObserver 'longtask') meanwhile
 *   warm   the same after a reload (model weights in Cache Storage, HTTP cache warm)
 *   fps    analysed frames per second over 20 s with 1 face and with 4 faces in view
 *   classifier  the running engine's own measure (the one the hand-over uses): median ms to classify
 *          1 and 4 face crops of a camera frame, and per face; printed side by side for every backend
 *   handOver (auto) which backend served the first result, and where the app settled after warming
 *   shaders WebGL programs / WebGPU pipelines the engine had compiled at its first result, and
 *          after the fps window (more after it: a shape the warm-up missed)
 *   switch time to switch to the other backend (the old one keeps analysing), and the longest
 *          main-thread task during the switch
 *   memory the renderer's and the GPU process's resident memory (Linux /proc) before the camera,
 *          after 300 frames, and after a 99-megapixel photo (and once it is replaced)
 *   coldStarts (with --cold-starts N) N more cold starts, each in a fresh browser: time to the first
 *          result and the longest main-thread task of each, to see the spread of a single figure
 *   photo  (once, nothing chosen) the photo path from navigation: Photo tab, a 3-face photo, until
 *          its face count shows and until every face is, cold (fresh profile) and warm (reload),
 *          --photo-runs times, with where the time went (scripts/lib/bench-photo.ts); --photo-vs URL
 *          runs another build's photo path after each of this one's (pairs moments apart), and
 *          prints the medians side by side with the warm ratio run by run
 *
 *   npm run bench -- --sessions 200 [--session-rows 600] [--session-runs 3] [--sessions-store file]
 *                    [--backends wasm] [--url ...]
 *
 * measures only what stored sessions cost the start: in a fresh browser, a page of the
 * app's origin that is not the app first writes N sessions of R rows (in batches of 10, as the
 * recorder writes them) through the app's own store code (src/app/recordingStore.ts transpiled
 * into the page; --sessions-store for another version's, e.g. main's, to measure that build), then
 * the app is opened: time from navigation to the first analysed camera frame and to the N sessions
 * listed, cold and after a reload, the longest main-thread task meanwhile, and the page's JS heap
 * after a garbage collection; alternately with N and with none, --session-runs times each.
 *
 * --url measures another build (an older commit served elsewhere), or this build with a query
 * (e.g. http://127.0.0.1:4390/?bitmapframes: camera frames as bitmaps of the <video>, the path
 * before 0.5.0): the bench only uses the page's
 * test hook (window.__resemote.info().frames / ready) and its controls' data-testids.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import ts from 'typescript';
import { FACE_Y4M, GENERATED, pngOf, default as prepareFixtures } from '../e2e/global-setup.ts';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { describePhotoRun, photoFromNavigation, type PhotoPathRun, type WhyCost, whyCost } from './lib/bench-photo.ts';
import { startPreview } from './lib/browser.ts';
import { decodeImage } from './lib/decode-image.ts';
import { cropScale, toY4m } from './lib/y4m.ts';

const root = join(import.meta.dirname, '..');
type Backend = 'auto' | 'wasm' | 'webgl' | 'webgpu';
type Pinned = Exclude<Backend, 'auto'>;
const LABEL: Record<Pinned, string> = { wasm: 'WebAssembly (CPU)', webgl: 'WebGL', webgpu: 'WebGPU' };
/** The backend a pinned run switches to, to time a switch. */
const SWITCH_TO: Record<Pinned, Pinned> = { wasm: 'webgl', webgl: 'webgpu', webgpu: 'webgl' };
const FOUR_Y4M = join(GENERATED, 'four-faces.y4m');
const HUGE_PNG = join(GENERATED, 'huge-99mp.png');

function options() {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'auto,wasm,webgl,webgpu' },
      url: { type: 'string' },
      out: { type: 'string' },
      skip: { type: 'string', default: '' },
      fps: { type: 'string', default: '20' },
      'memory-frames': { type: 'string', default: '300' },
      'cold-starts': { type: 'string', default: '0' },
      port: { type: 'string', default: '4180' },
      'photo-runs': { type: 'string', default: '3' },
      'photo-vs': { type: 'string' },
      sessions: { type: 'string', default: '0' },
      'session-rows': { type: 'string', default: '600' },
      'session-runs': { type: 'string', default: '3' },
      'sessions-store': { type: 'string', default: join(root, 'src', 'app', 'recordingStore.ts') },
    },
  });
  const backends = values.backends
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean) as Backend[];
  for (const b of backends) if (!['auto', 'wasm', 'webgl', 'webgpu'].includes(b)) throw new Error(`unknown backend ${b}`);
  const date = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    backends,
    url: values.url,
    out: values.out ?? join(root, 'bench-results', `app-${date}.json`),
    skip: new Set(values.skip.split(',')),
    fpsSeconds: Number(values.fps),
    memoryFrames: Number(values['memory-frames']),
    coldStarts: Number(values['cold-starts']),
    port: Number(values.port),
    photoRuns: Number(values['photo-runs']),
    photoVs: values['photo-vs'],
    sessions: { count: Number(values.sessions), rows: Number(values['session-rows']), runs: Number(values['session-runs']), store: values['sessions-store'] },
  };
}

/**
 * Resident memory (MB) of this browser's renderer and GPU processes, from /proc (Linux), and how
 * much of the renderers' is shared memory (RssShmem): there Chromium keeps the RGBA copies it
 * makes of camera frames (createImageBitmap of a video, 4 MB each at 720p, up to ~129 of them,
 * released on memory pressure; docs/speed.md), apart from what the page and the engine hold.
 */
function processMemory(browserPid: number | undefined): { renderer: number; rendererShared: number; gpu: number } | null {
  if (!browserPid || process.platform !== 'linux') return null;
  // Every process's parent, from /proc/<pid>/stat (Chromium's zygote forks the renderers, so the
  // whole tree under the browser process is walked).
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const inTree = (pid: number) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) if (p === browserPid) return true;
    return false;
  };
  let renderer = 0;
  let rendererShared = 0;
  let gpu = 0;
  for (const pid of parent.keys()) {
    if (pid === browserPid || !inTree(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      if (cmd.includes('--type=renderer')) {
        renderer += rss;
        rendererShared += Number(/RssShmem:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } else if (cmd.includes('--type=gpu-process')) gpu += rss;
    } catch {
      /* gone */
    }
  }
  return { renderer: Math.round(renderer), rendererShared: Math.round(rendererShared), gpu: Math.round(gpu) };
}

/** The browser process Playwright launched: this process's newest child running Chromium. */
function browserPid(): number | undefined {
  let best: number | undefined;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (ppid === process.pid && /chrom/.test(cmd) && !/pgrep|^\/bin\/sh/.test(cmd) && (!best || Number(name) > best)) best = Number(name);
    } catch {
      /* gone */
    }
  }
  return best;
}

async function launch(y4m: string, backend: Backend) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`],
  });
  const pid = browserPid();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['camera']);
  await context.addInitScript((b) => {
    const w = window as unknown as { __RESEMOTE_TEST_HOOKS__: boolean; __RESEMOTE_PIN_BACKEND__: boolean; __longtasks: number[] };
    w.__RESEMOTE_TEST_HOOKS__ = true;
    // A pinned run measures that backend from the very start (no WebAssembly bridge).
    if (b !== 'auto') w.__RESEMOTE_PIN_BACKEND__ = true;
    w.__longtasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__longtasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    // What ran in each long frame (Long Animation Frames: the scripts, with where they came from).
    const x = window as unknown as { __longframes: { duration: number; blocking: number; scripts: string[] }[] };
    x.__longframes = [];
    try {
      new PerformanceObserver((l) =>
        l.getEntries().forEach((e) => {
          const f = e as PerformanceEntry & { blockingDuration: number; scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }[] };
          x.__longframes.push({
            duration: f.duration,
            blocking: f.blockingDuration,
            scripts: f.scripts.map((sc) => `${sc.invoker} ${sc.sourceFunctionName || ''}@${sc.sourceURL.split('/').pop()} ${Math.round(sc.duration)} ms`),
          });
        }),
      ).observe({ type: 'long-animation-frame', buffered: true });
    } catch {
      /* a browser without the Long Animation Frames API */
    }
    if (!sessionStorage.getItem('bench.seeded')) {
      sessionStorage.setItem('bench.seeded', '1');
      localStorage.setItem('resemote.settings.v1', JSON.stringify(b === 'auto' ? {} : { backendWanted: b }));
    }
  }, backend);
  const page = await context.newPage();
  return { browser, context, page, pid };
}

const info = (page: Page) => page.evaluate(() => (window as unknown as { __resemote?: { info(): { frames: number; backend: string; ready: boolean; warming?: string } } }).__resemote?.info() ?? null);
/** The running engine's classifier benchmark (null on builds without the hook). */
const classifierMs = (page: Page) =>
  page.evaluate(
    async () => (await (window as unknown as { __resemote?: { benchmark?(): Promise<{ backend: string; oneFaceMs: number; fourFacesMs: number } | null> } }).__resemote?.benchmark?.()) ?? null,
  );
/** Shaders the running engine has compiled (WebGL programs / WebGPU pipelines; null on builds without the count). */
const shaders = (page: Page) => page.evaluate(async () => (await (window as unknown as { __resemote?: { memory?(): Promise<{ shaders?: number } | null> } }).__resemote?.memory?.())?.shaders ?? null);
const longest = (page: Page) => page.evaluate(() => Math.max(0, ...(window as unknown as { __longtasks: number[] }).__longtasks));
const resetLongTasks = (page: Page) => page.evaluate(() => void ((window as unknown as { __longtasks: number[] }).__longtasks = []));

/** Navigate, start the camera as soon as the button exists, wait for the first analysed frame. */
async function firstResult(page: Page, url: string, backend: Backend, reload = false, timeout = 900_000): Promise<{ ms: number; bytes: number; servedBy: string }> {
  let bytes = 0;
  const onFinished = async (req: import('@playwright/test').Request) => {
    try {
      const sizes = await req.sizes();
      bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    } catch {
      /* a request that failed */
    }
  };
  page.on('requestfinished', onFinished);
  const t0 = Date.now();
  if (reload) await page.reload();
  else await page.goto(url);
  await page.getByTestId('camera-toggle').click();
  // An older build without stored settings starts on its own default: pick the backend once ready.
  await page.waitForFunction(() => (window as unknown as { __resemote?: { info(): { ready: boolean } } }).__resemote?.info().ready === true, null, { timeout, polling: 100 });
  const now = await info(page);
  if (now && backend !== 'auto' && now.backend !== backend) {
    await page.getByTestId(`backend-${backend}`).click(); // not check(): a controlled radio changes once the switch is done
    await page
      .getByTestId('backend-active')
      .filter({ hasText: `in use: ${LABEL[backend]}` })
      .waitFor({ timeout });
  }
  await page.waitForFunction(() => ((window as unknown as { __resemote?: { info(): { frames: number } } }).__resemote?.info().frames ?? 0) >= 1, null, { timeout, polling: 50 });
  const ms = Date.now() - t0;
  page.off('requestfinished', onFinished);
  return { ms, bytes, servedBy: (await info(page))?.backend ?? '?' };
}

async function fps(page: Page, seconds: number): Promise<number> {
  const a = (await info(page))?.frames ?? 0;
  const t = Date.now();
  await page.waitForTimeout(seconds * 1000); // a measurement window, not a wait for an event
  const b = (await info(page))?.frames ?? 0;
  return (b - a) / ((Date.now() - t) / 1000);
}

/** Fills `out` as it goes, so the figures of a run that fails half way are kept. */
async function benchBackend(backend: Backend, url: string, opts: ReturnType<typeof options>, out: Record<string, unknown>) {
  const log = (k: string, v: unknown) => {
    out[k] = v;
    console.error(`[bench] ${backend} ${k}: ${JSON.stringify(v)}`);
  };
  {
    const { browser, page, pid } = await launch(FACE_Y4M, backend);
    try {
      const before = processMemory(pid);
      const cold = await firstResult(page, url, backend);
      if (!opts.skip.has('timing')) {
        log('cold', { firstResultMs: cold.ms, servedBy: cold.servedBy, downloadedMB: +(cold.bytes / 1e6).toFixed(2), longestTaskMs: Math.round(await longest(page)), shaders: await shaders(page) });
        log('fps1', +(await fps(page, opts.fpsSeconds)).toFixed(2));
        // A count that grew over the frames is a shape the warm-up missed (compiled during a frame).
        log('shadersAfterFps1', await shaders(page));
        await resetLongTasks(page);
        const warm = await firstResult(page, url, backend, true);
        log('warm', { firstResultMs: warm.ms, servedBy: warm.servedBy, downloadedMB: +(warm.bytes / 1e6).toFixed(2), longestTaskMs: Math.round(await longest(page)) });
        if (backend === 'auto') {
          // Where the app settles once the GPU backends were warmed and measured (or the remembered one took over).
          await page.waitForFunction(
            () => {
              const i = (window as unknown as { __resemote?: { info(): { warming?: string; ready: boolean } } }).__resemote?.info();
              return i?.ready === true && !i.warming;
            },
            null,
            { timeout: 1_800_000, polling: 500 },
          );
          const reason = await page
            .getByTestId('backend-reason')
            .textContent()
            .catch(() => null);
          log('handOver', { firstServedBy: warm.servedBy, settledOn: (await info(page))?.backend, reason });
        }
      }
      const c = await classifierMs(page);
      if (c) log('classifier', { backend: c.backend, oneFaceMs: +c.oneFaceMs.toFixed(1), fourFacesMs: +c.fourFacesMs.toFixed(1), perFaceMs: +(c.fourFacesMs / 4).toFixed(1) });
      const other = backend === 'auto' ? null : SWITCH_TO[backend];
      if (other && !opts.skip.has('switch') && !opts.skip.has('timing') && (await page.getByTestId(`backend-${other}`).isEnabled())) {
        await resetLongTasks(page);
        const framesBefore = (await info(page))?.frames ?? 0;
        const t0 = Date.now();
        await page.getByTestId(`backend-${other}`).click();
        await page
          .getByTestId('backend-active')
          .filter({ hasText: `in use: ${LABEL[other]}` })
          .waitFor({ timeout: 900_000 });
        const switchMs = Date.now() - t0;
        const framesDuring = ((await info(page))?.frames ?? 0) - framesBefore;
        log('switch', { to: other, ms: switchMs, framesAnalysedMeanwhile: framesDuring, longestTaskMs: Math.round(await longest(page)) });
      }
      if (!opts.skip.has('memory') && pid) {
        // Back on this backend, camera running: memory over 300 frames, then a 99 MP photo.
        await page.reload();
        await page.getByTestId('camera-toggle').click();
        await page.waitForFunction(() => ((window as unknown as { __resemote?: { info(): { frames: number } } }).__resemote?.info().frames ?? 0) >= 1, null, { timeout: 900_000 });
        const m0 = processMemory(pid);
        const f0 = (await info(page))?.frames ?? 0;
        // Sampled every 100 frames, to tell growth that levels off (pools, heaps) from a leak.
        const curve: { frames: number; renderer: number; rendererShared: number; gpu: number }[] = [];
        for (let n = 100; n <= opts.memoryFrames; n += 100) {
          await page.waitForFunction((k) => ((window as unknown as { __resemote?: { info(): { frames: number } } }).__resemote?.info().frames ?? 0) >= k, f0 + n, { timeout: 1_800_000, polling: 500 });
          const m = processMemory(pid);
          if (m) curve.push({ frames: n, ...m });
        }
        log('memoryCurve', curve);
        // Which camera path ran: the track's frames read by copy, or bitmaps of the <video> (?bitmapframes; older builds: null).
        log(
          'cameraFrames',
          await page.evaluate(async () => {
            const w = window as unknown as { __resemote?: { info(): { frameSource?: string }; memory?(): Promise<{ frames?: { copied: number; bitmaps: number } } | null> } };
            return { source: w.__resemote?.info().frameSource ?? null, engine: (await w.__resemote?.memory?.())?.frames ?? null };
          }),
        );
        console.log(`\n${backend}: renderer MB every 100 frames (of it shared memory): ${curve.map((c) => `${c.renderer} (${c.rendererShared})`).join(', ')}`);
        const m300 = curve.find((c) => c.frames === 300) ?? curve[curve.length - 1] ?? null;
        await page.getByTestId('camera-toggle').click();
        await page.getByTestId('tab-photo').click();
        await page.getByTestId('file-input').setInputFiles(HUGE_PNG);
        await page.getByTestId('face-count').or(page.getByTestId('notice-no-face')).first().waitFor({ timeout: 900_000 });
        const mPhoto = processMemory(pid);
        await page.getByTestId('file-input').setInputFiles(join(root, 'e2e', 'fixtures', 'group-3.jpg'));
        await page.getByTestId('face-count').filter({ hasText: 'group-3.jpg' }).waitFor({ timeout: 300_000 });
        const mAfter = processMemory(pid);
        const mLast = curve[curve.length - 1] ?? null;
        log('memoryMB', { beforeStart: before, cameraFirstFrame: m0, after300Frames: m300, afterLastFrames: mLast, after99MpPhoto: mPhoto, afterNextPhoto: mAfter });
      }
    } finally {
      await browser.close();
    }
  }
  if (opts.coldStarts > 0) {
    const starts: { firstResultMs: number; longestTaskMs: number }[] = [];
    const failures: string[] = [];
    for (let i = 0; i < opts.coldStarts; i++) {
      const { browser, page } = await launch(FACE_Y4M, backend);
      try {
        const cold = await firstResult(page, url, backend, false, 300_000);
        starts.push({ firstResultMs: cold.ms, longestTaskMs: Math.round(await longest(page)) });
        console.error(`[bench] ${backend} cold start ${i + 1}: ${JSON.stringify(starts[starts.length - 1])}`);
      } catch (err) {
        // One start that never gets a result is a figure too; the others still count.
        failures.push((err as Error).message.split('\n')[0] ?? 'failed');
        console.error(`[bench] ${backend} cold start ${i + 1} failed: ${failures[failures.length - 1]}`);
      } finally {
        await browser.close();
      }
    }
    log('coldStarts', starts);
    if (failures.length) log('coldStartFailures', failures);
  }
  if (!opts.skip.has('fps4')) {
    const { browser, page } = await launch(FOUR_Y4M, backend);
    try {
      await firstResult(page, url, backend);
      log('fps4', +(await fps(page, opts.fpsSeconds)).toFixed(2));
      const faces = await page.evaluate(() => (window as unknown as { __resemote: { faces(): unknown[] } }).__resemote.faces().length);
      log('fps4Faces', faces);
    } finally {
      await browser.close();
    }
  }
  return out;
}

interface SessionsRun {
  stored: number;
  seedMs: number;
  cold: { firstResultMs: number; listedMs: number; longestTaskMs: number };
  warm: { firstResultMs: number; listedMs: number; longestTaskMs: number };
  heapMB: number;
}

/** Navigate (or reload), start the camera: ms to the first analysed frame and to `count` sessions listed. */
async function startWithSessions(page: Page, url: string, count: number, reload: boolean) {
  await resetLongTasks(page).catch(() => undefined);
  const t0 = Date.now();
  if (reload) await page.reload();
  else await page.goto(url);
  type Hook = { __resemote?: { info(): { frames: number; sessions: unknown[] } } };
  const listed = page.waitForFunction((n) => ((window as unknown as Hook).__resemote?.info().sessions.length ?? -1) >= n, count, { timeout: 600_000, polling: 50 }).then(() => Date.now() - t0);
  await page.getByTestId('camera-toggle').click();
  const first = page.waitForFunction(() => ((window as unknown as Hook).__resemote?.info().frames ?? 0) >= 1, null, { timeout: 600_000, polling: 50 }).then(() => Date.now() - t0);
  const [firstResultMs, listedMs] = await Promise.all([first, listed]);
  return { firstResultMs, listedMs, longestTaskMs: Math.round(await longest(page)) };
}

/** The store's module (TypeScript, type imports only) as a script that fills `exports`. */
function storeScript(file: string): string {
  return ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** What `count` stored sessions of `rows` rows cost the start, against none (see the header). */
async function sessionsBench(backend: Backend, url: string, opts: ReturnType<typeof options>): Promise<SessionsRun[]> {
  const { count, rows, runs } = opts.sessions;
  const code = storeScript(opts.sessions.store);
  const out: SessionsRun[] = [];
  for (let run = 0; run < runs; run++) {
    for (const stored of [0, count]) {
      const { browser, page } = await launch(FACE_Y4M, backend);
      try {
        // A page of the app's origin that is not the app: no app holds the database while it is written.
        await page.goto(new URL('icons/icon-192.png', url).href);
        const seedMs = await page.evaluate(
          async ({ code, stored, rows }) => {
            const exports: Record<string, unknown> = {};
            new Function('exports', code)(exports);
            const Store = exports.RecordingStore as new () => {
              begin(id: string, meta: unknown, name: string): Promise<void>;
              append(id: string, seq: number, rows: unknown[]): Promise<void>;
              finish(id: string): Promise<void>;
            };
            const store = new Store();
            const t0 = performance.now();
            const perBatch = 10; // the recorder writes about once a second
            for (let i = 0; i < stored; i++) {
              const id = `rec-bench-${i}`;
              const startedAt = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000 * 4).toISOString();
              await store.begin(id, { kind: 'camera', source: 'camera', model: 'ResEmoteNet-S5', backend: 'wasm', appVersion: 'bench', startedAt, frameWidth: 1280, frameHeight: 720 }, '');
              for (let seq = 0; seq * perBatch < rows; seq++) {
                const batch = Array.from({ length: Math.min(perBatch, rows - seq * perBatch) }, (_, k) => ({
                  t: (seq * perBatch + k) * 100,
                  face: 1 + (k % 2),
                  x: 400.5,
                  y: 200.5,
                  width: 180,
                  height: 180,
                  score: 0.9512,
                  probs: [0.0213, 0.0105, 0.0312, 0.8012, 0.0421, 0.0487, 0.045],
                  top: 'happy',
                  valence: 0.6961,
                }));
                await store.append(id, seq, batch);
              }
              await store.finish(id);
            }
            return performance.now() - t0;
          },
          { code, stored, rows },
        );
        const cold = await startWithSessions(page, url, stored, false);
        const warm = await startWithSessions(page, url, stored, true);
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = await cdp.send('Runtime.getHeapUsage');
        const r: SessionsRun = { stored, seedMs: Math.round(seedMs), cold, warm, heapMB: +(heap.usedSize / 1e6).toFixed(1) };
        console.error(`[bench] sessions run ${run + 1}: ${JSON.stringify(r)}`);
        out.push(r);
      } finally {
        await browser.close();
      }
    }
  }
  return out;
}

function printSessions(runs: SessionsRun[], rows: number): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
  console.log(
    `\n| stored sessions (${rows} rows each) | first result, cold | sessions listed, cold | first result, reload | sessions listed, reload | longest task, cold / reload | JS heap after GC |`,
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const stored of [...new Set(runs.map((r) => r.stored))]) {
    const rs = runs.filter((r) => r.stored === stored);
    const s = (f: (r: SessionsRun) => number) => `${(median(rs.map(f)) / 1000).toFixed(2)} s (${rs.map((r) => (f(r) / 1000).toFixed(2)).join(', ')})`;
    console.log(
      `| ${stored} | ${s((r) => r.cold.firstResultMs)} | ${s((r) => r.cold.listedMs)} | ${s((r) => r.warm.firstResultMs)} | ${s((r) => r.warm.listedMs)} | ${median(rs.map((r) => r.cold.longestTaskMs))} / ${median(rs.map((r) => r.warm.longestTaskMs))} ms | ${median(rs.map((r) => r.heapMB))} MB (${rs.map((r) => r.heapMB).join(', ')}) |`,
    );
  }
  console.log('(medians, each run in brackets)');
}

function fixtures(): void {
  prepareFixtures();
  const photo = decodeImage(readFileSync(join(root, 'e2e', 'fixtures', 'group-6.jpg')));
  // The four women of group-6.jpg in a 16:9 1280x720 frame: 4 faces in view.
  writeFileSync(FOUR_Y4M, toY4m(cropScale(photo, { x: 0, y: 150, width: 1280, height: 720 }, 1280, 720)));
}

async function main() {
  const opts = options();
  fixtures();
  // 99 megapixels, 11000 x 9000 grey: the largest kind of photo the app accepts (100 MP).
  if (!opts.skip.has('memory')) writeFileSync(HUGE_PNG, pngOf(11000, 9000, true));
  let server: Awaited<ReturnType<typeof startPreview>> | null = null;
  let url = opts.url;
  if (!url) {
    execSync('npm run build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    server = await startPreview(opts.port);
    url = server.url;
  }
  const results = [];
  try {
    if (opts.sessions.count > 0) {
      const backend = opts.backends[0] ?? 'wasm';
      const runs = await sessionsBench(backend, url, opts);
      results.push({ backend, sessions: { count: opts.sessions.count, rows: opts.sessions.rows, store: relative(root, opts.sessions.store), runs } });
      printSessions(runs, opts.sessions.rows);
    }
    for (const b of opts.sessions.count > 0 ? [] : opts.backends) {
      const out: Record<string, unknown> = { backend: b };
      try {
        results.push(await benchBackend(b, url, opts, out));
      } catch (err) {
        console.error(`[bench] ${b} failed: ${(err as Error).message.split('\n')[0]}`);
        results.push({ ...out, error: (err as Error).message.split('\n')[0] });
      }
    }
    if (!opts.skip.has('photo') && opts.sessions.count === 0) {
      const photo = join(root, 'e2e', 'fixtures', 'group-3.jpg');
      // With --photo-vs, the other build's run follows each of this one's: pairs measured moments apart.
      const targets = [url, ...(opts.photoVs ? [opts.photoVs] : [])];
      const runs = new Map<string, { cold: PhotoPathRun; warm: PhotoPathRun }[]>(targets.map((t) => [t, []]));
      for (let i = 0; i < opts.photoRuns; i++) {
        for (const target of targets) {
          const { browser, page } = await launch(FACE_Y4M, 'auto');
          try {
            const cold = await photoFromNavigation(page, target, photo, 'group-3.jpg', false);
            console.error(describePhotoRun(`[bench] photo ${target} cold ${i + 1}`, cold));
            const warm = await photoFromNavigation(page, target, photo, 'group-3.jpg', true);
            console.error(describePhotoRun(`[bench] photo ${target} warm ${i + 1}`, warm));
            runs.get(target)!.push({ cold, warm });
          } finally {
            await browser.close();
          }
        }
      }
      for (const target of targets) results.push({ backend: 'photo', url: target, photo: runs.get(target) });
    }
    if (!opts.skip.has('why') && opts.sessions.count === 0) {
      // "Why?" on the 3 faces of a photo, on each pinned backend: the map's cost per face, and
      // whether the page freezes meanwhile (the map is made in the engine's worker).
      const costs: WhyCost[] = [];
      for (const b of opts.backends.filter((x): x is Pinned => x !== 'auto')) {
        const { browser, page } = await launch(FACE_Y4M, b);
        try {
          await page.goto(url);
          await page.waitForFunction(() => (window as unknown as { __resemote?: { info(): { ready: boolean } } }).__resemote?.info().ready === true, null, { timeout: 900_000, polling: 200 });
          const cost = await whyCost(page, url, join(root, 'e2e', 'fixtures', 'group-3.jpg'), 'group-3.jpg');
          console.error(`[bench] why on ${cost.backend}: ${JSON.stringify(cost)}`);
          costs.push(cost);
        } catch (err) {
          console.error(`[bench] why on ${b} failed: ${(err as Error).message.split('\n')[0]}`);
        } finally {
          await browser.close();
        }
      }
      results.push({ backend: 'why', why: costs });
    }
  } finally {
    server?.stop();
  }
  const cpu = cpus();
  const json = { date: new Date().toISOString(), url, cpu: `${cpu[0]?.model} x ${cpu.length}`, note: 'headless Chromium; WebGPU and WebGL run on SwiftShader (CPU) here', results };
  const rows = results as Record<string, any>[];
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(json, null, 2) + '\n');
  console.log(`CPU: ${json.cpu}; ${json.note}`);
  if (rows.every((r) => r.sessions)) {
    console.log(`\nfull results: ${relative(process.cwd(), opts.out)}`);
    return;
  }
  console.log(
    '| backend | cold first result | warm first result | cold download | longest main-thread task (cold / warm / switch) | shaders (first result / after fps) | switch | fps 1 face | fps 4 faces | renderer MB (start / 300 frames / last sample / 99 MP photo / after) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    if (r.photo || r.why) continue;
    if (!r.cold || !r.warm) {
      if (r.memoryMB) console.log(`| ${r.backend} | memory only: ${JSON.stringify(r.memoryMB)} |`);
      else if (r.coldStarts) console.log(`| ${r.backend} | cold starts only, longest tasks: ${r.coldStarts.map((c: { longestTaskMs: number }) => c.longestTaskMs).join(', ')} ms |`);
      else if (r.classifier) console.log(`| ${r.backend} | classifier only (timing skipped): ${JSON.stringify(r.classifier)} |`);
      else console.log(`| ${r.backend} | failed: ${r.error} |`);
      continue;
    }
    const m = r.memoryMB;
    const mem = m
      ? `${m.cameraFirstFrame?.renderer} / ${m.after300Frames?.renderer} / ${m.afterLastFrames?.renderer} at ${m.afterLastFrames?.frames} / ${m.after99MpPhoto?.renderer} / ${m.afterNextPhoto?.renderer} (GPU ${m.cameraFirstFrame?.gpu} / ${m.after300Frames?.gpu} / ${m.afterLastFrames?.gpu} / ${m.after99MpPhoto?.gpu} / ${m.afterNextPhoto?.gpu})`
      : '-';
    console.log(
      `| ${r.backend} | ${(r.cold.firstResultMs / 1000).toFixed(1)} s (${r.cold.servedBy}) | ${(r.warm.firstResultMs / 1000).toFixed(1)} s (${r.warm.servedBy}) | ${r.cold.downloadedMB} MB | ${r.cold.longestTaskMs} / ${r.warm.longestTaskMs} / ${r.switch?.longestTaskMs ?? '-'} ms | ${r.cold.shaders ?? '-'} / ${r.shadersAfterFps1 ?? '-'} | ${r.switch ? `${(r.switch.ms / 1000).toFixed(1)} s to ${r.switch.to} (${r.switch.framesAnalysedMeanwhile} frames meanwhile)` : '-'} | ${r.fps1} | ${r.fps4 ?? '-'} (${r.fps4Faces ?? '?'} faces) | ${mem} |`,
    );
  }
  // The classifier side by side (the engine's own measure, on the same crops, in this one run).
  const measured = rows.filter((r) => r.classifier);
  if (measured.length) {
    console.log('\n| classifier on | 1 face | 4 faces | per face (4-face batch) |');
    console.log('| --- | --- | --- | --- |');
    for (const r of measured)
      console.log(`| ${r.classifier.backend}${r.backend === 'auto' ? ' (auto, settled)' : ''} | ${r.classifier.oneFaceMs} ms | ${r.classifier.fourFacesMs} ms | ${r.classifier.perFaceMs} ms |`);
  }
  for (const r of rows) if (r.error && r.cold && r.warm) console.log(`\n${r.backend}: failed after the figures above: ${r.error}`);
  for (const r of rows) if (r.handOver) console.log(`\nauto: first result on ${r.handOver.firstServedBy}, settled on ${r.handOver.settledOn} (${r.handOver.reason ?? ''})`);
  for (const r of rows) {
    if (!r.coldStarts) continue;
    const tasks = r.coldStarts.map((c: { longestTaskMs: number }) => c.longestTaskMs);
    const firsts = r.coldStarts.map((c: { firstResultMs: number }) => c.firstResultMs).sort((a: number, b: number) => a - b);
    console.log(
      `\n${r.backend}: ${tasks.length} cold starts, first result ${(firsts[0] / 1000).toFixed(1)}-${(firsts[firsts.length - 1] / 1000).toFixed(1)} s (median ${(firsts[firsts.length >> 1] / 1000).toFixed(1)}); longest main-thread task ${tasks.join(', ')} ms; ${tasks.filter((t: number) => t <= 100).length} of ${tasks.length} at or under 100 ms`,
    );
  }
  const photoRows = rows.filter((r) => r.photo);
  for (const r of photoRows) {
    console.log(`\nThe photo path from navigation (nothing chosen; group-3.jpg, 1280 x 900, 3 faces), ${r.url}:`);
    for (const [i, run] of (r.photo as { cold: PhotoPathRun; warm: PhotoPathRun }[]).entries()) {
      console.log(describePhotoRun(`  cold ${i + 1}`, run.cold));
      console.log(describePhotoRun(`  warm ${i + 1}`, run.warm));
    }
  }
  if (photoRows.length) {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
    const s = (ms: number) => (ms / 1000).toFixed(2);
    const all = (xs: number[]) => `${s(median(xs))} s (${xs.map(s).join(', ')})`;
    console.log('\n| build | warm: face count | warm: every face | cold: face count | cold: every face |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of photoRows) {
      const p = r.photo as { cold: PhotoPathRun; warm: PhotoPathRun }[];
      console.log(`| ${r.url} | ${all(p.map((x) => x.warm.shownMs))} | ${all(p.map((x) => x.warm.completeMs))} | ${all(p.map((x) => x.cold.shownMs))} | ${all(p.map((x) => x.cold.completeMs))} |`);
    }
    console.log('(medians, each run in brackets)');
    if (photoRows.length === 2) {
      const [a, b] = photoRows.map((r) => r.photo as { cold: PhotoPathRun; warm: PhotoPathRun }[]) as [{ cold: PhotoPathRun; warm: PhotoPathRun }[], { cold: PhotoPathRun; warm: PhotoPathRun }[]];
      const ratios = a.map((x, i) => x.warm.shownMs / (b[i]?.warm.shownMs ?? NaN));
      console.log(`warm face count, this build / the other, run by run: ${ratios.map((x) => x.toFixed(2)).join(', ')} (median ${median(ratios).toFixed(2)})`);
    }
  }
  for (const r of rows) {
    if (!r.why) continue;
    console.log('\n| "Why?" (group-3.jpg, 3 faces, one after the other) | engine ms a face | click to map on screen, ms | longest main-thread task |');
    console.log('| --- | --- | --- | --- |');
    for (const c of r.why as WhyCost[]) console.log(`| ${c.backend} | ${c.perFaceMs.join(', ')} | ${c.shownMs.join(', ')} | ${c.longestTaskMs} ms |`);
    for (const c of r.why as WhyCost[])
      if (c.longestFrame && c.longestFrame.blocking > 0)
        console.log(
          `${c.backend}: the longest frame, ${Math.round(c.longestFrame.duration)} ms (${Math.round(c.longestFrame.blocking)} ms blocking): ${c.longestFrame.scripts.join('; ') || 'no script (layout, paint, or work outside scripts)'}`,
        );
  }
  console.log(`\nfull results: ${relative(process.cwd(), opts.out)}`);
}

await main();
