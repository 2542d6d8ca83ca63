/**
 * Benchmark the app's engine in headless Chromium: per tfjs backend and shipped model, model load
 * and warm-up, classification of 1 and 4 faces (the per-frame call, and its crop and model parts),
 * face detection, and the whole camera frame (Engine.analyse itself, with the loaded parts
 * injected). Prints figures, never fails on them.
 *
 *   npm run bench:engine -- [--runs 50] [--backends webgpu,webgl] [--models id1,id2] [--out file.json]
 *
 * The in-page half is scripts/lib/bench-page.ts; it imports the app's own modules from the Vite
 * dev server, so the bench measures the code the app runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from '@playwright/test';
import type { GpuBackend } from '../src/engine/backendSupport.ts';
import type { Box } from '../src/engine/box.ts';
import { launchChromium, startDevServer } from './lib/browser.ts';
import type { BackendResult, BenchConfig, FrameSpec, GpuInfo, ModelResult, Timing } from './lib/bench-page.ts';
import { type Column, formatMedP95, formatMs, formatTable, type Summary, summarizeSamples } from './lib/stats.ts';

const root = join(import.meta.dirname, '..');
const FRAME = { width: 1280, height: 720 };
const PHOTO = 'group-6.jpg';
const SWIFTSHADER_NOTE =
  'In headless Chromium here WebGPU and WebGL both run on SwiftShader (a CPU emulation of a GPU): ' + 'ratios between backends and models carry over to real GPUs, absolute numbers do not.';

interface Options {
  runs: number;
  backends: GpuBackend[];
  models: string[];
  out: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '50' },
      backends: { type: 'string', default: 'webgpu,webgl' },
      models: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const backends = values.backends.split(',').map((b) => b.trim());
  for (const b of backends) if (b !== 'webgpu' && b !== 'webgl') throw new Error(`unknown backend ${b} (webgpu, webgl)`);
  const available = listModels();
  const models = values.models ? values.models.split(',').map((m) => m.trim()) : available;
  for (const m of models) if (!available.includes(m)) throw new Error(`no model ${m} in models/ (have: ${available.join(', ')})`);
  const date = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return { runs, backends: backends as GpuBackend[], models, out: values.out ?? join(root, 'bench-results', `bench-${date}.json`) };
}

/** Every subfolder of models/ with a model.json (the Vite plugin serves it at /models/<id>/). */
function listModels(): string[] {
  const dir = join(root, 'models');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'model.json')))
    .map((d) => d.name)
    .sort();
}

/** The JPEG's pixel size, from its start-of-frame marker (no image decoder needed in Node). */
function jpegSize(bytes: Buffer): { width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = bytes[i + 1] as number;
    const length = bytes.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('JPEG has no size');
}

/**
 * The fixture photo cover-fitted into the frame (scaled to fill it, centred, the overflow cut)
 * and its labelled face boxes mapped the same way. group-6.jpg is 1280x1025, so it is cropped
 * top and bottom at scale 1 and its faces stay ~160 px, as a face near a webcam.
 */
function frameSpec(): FrameSpec {
  const fixtures = join(root, 'e2e', 'fixtures');
  const bytes = readFileSync(join(fixtures, PHOTO));
  const photo = jpegSize(bytes);
  const s = Math.max(FRAME.width / photo.width, FRAME.height / photo.height);
  const draw: Box = { x: (FRAME.width - photo.width * s) / 2, y: (FRAME.height - photo.height * s) / 2, width: photo.width * s, height: photo.height * s };
  const labelled = (JSON.parse(readFileSync(join(fixtures, 'faces.json'), 'utf8')) as Record<string, { box: Box }[]>)[PHOTO] ?? [];
  const faces = labelled.map(({ box: b }) => ({ x: draw.x + b.x * s, y: draw.y + b.y * s, width: b.width * s, height: b.height * s }));
  if (faces.length !== 4) throw new Error(`expected 4 faces for ${PHOTO} in faces.json, found ${faces.length}`);
  for (const f of faces) {
    if (f.x < 0 || f.y < 0 || f.x + f.width > FRAME.width || f.y + f.height > FRAME.height) throw new Error(`face ${JSON.stringify(f)} falls outside the frame`);
  }
  return { ...FRAME, photoBase64: bytes.toString('base64'), draw, faces };
}

/**
 * A page on the dev server's origin that is not the app: the app's index would start its own
 * engine (backend, model, detector) and compete with the bench. Any same-origin document can
 * import the served modules.
 */
async function openBenchPage(page: Page, url: string): Promise<void> {
  page.on('console', (m) => {
    if (m.text().startsWith('[bench]')) console.error(m.text());
  });
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${url}models/index.json`);
}

const PAGE_MODULE = '/scripts/lib/bench-page.ts';

async function gpuInfo(page: Page): Promise<GpuInfo> {
  return page.evaluate(async (path) => {
    const m = (await import(/* @vite-ignore */ path)) as typeof import('./lib/bench-page.ts');
    return m.gpuInfo();
  }, PAGE_MODULE);
}

async function runBackend(page: Page, cfg: BenchConfig): Promise<BackendResult> {
  return page.evaluate(
    async ({ path, cfg }) => {
      const m = (await import(/* @vite-ignore */ path)) as typeof import('./lib/bench-page.ts');
      return m.runBackend(cfg);
    },
    { path: PAGE_MODULE, cfg },
  );
}

/** A Timing with its samples summarized, for the JSON. */
function withSummary(t: Timing): Timing & { summary: Summary } {
  return { ...t, summary: summarizeSamples(t.samples) };
}

interface Row {
  backend: string;
  model: string;
  result: ModelResult | null;
  detect: Summary | null;
  error?: string;
}

const COLUMNS: Column<Row>[] = [
  { header: 'backend', cell: (r) => r.backend, align: 'left' },
  { header: 'model', cell: (r) => r.model, align: 'left' },
  { header: 'load', cell: (r) => (r.result ? `${formatMs(r.result.loadMs)}${r.result.fromCache ? ' (cache)' : ''}` : '-') },
  { header: 'warm-up', cell: (r) => formatMs(r.result?.warmupMs) },
  { header: 'cls 1 med/p95', cell: (r) => (r.result ? formatMedP95(summarizeSamples(r.result.classify1.samples)) : '-') },
  { header: 'cls 4 med/p95', cell: (r) => (r.result ? formatMedP95(summarizeSamples(r.result.classify4.samples)) : '-') },
  { header: 'crop 4 med', cell: (r) => (r.result ? formatMs(summarizeSamples(r.result.crop4.samples).median) : '-') },
  { header: 'model 4 med', cell: (r) => (r.result ? formatMs(summarizeSamples(r.result.model4.samples).median) : '-') },
  { header: 'detect med/p95', cell: (r) => formatMedP95(r.detect) },
  { header: 'frame med/p95', cell: (r) => (r.result ? `${formatMedP95(summarizeSamples(r.result.frame4.samples))} (${r.result.frameFaces}f)` : '-') },
  { header: 'shaders model+crop/later', cell: (r) => (r.result?.shaders ? `${r.result.shaders.warmupModel}+${r.result.shaders.warmupCrop}/${r.result.shaders.afterWarmup}` : '-') },
  { header: 'tensors b/a', cell: (r) => (r.result ? `${r.result.tensors.beforeRuns}/${r.result.tensors.afterRuns}` : '-') },
  { header: 'error', cell: (r) => r.error ?? '', align: 'left' },
];

async function main(): Promise<void> {
  const opts = parseOptions();
  const frame = frameSpec();
  const cpu = cpus();
  const { server, url } = await startDevServer();
  const browser = await launchChromium();
  const results: BackendResult[] = [];
  const failures: { backend: string; error: string }[] = [];
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openBenchPage(page, url);
    const gpu = await gpuInfo(page);
    await context.close();
    // One fresh context per backend: no tfjs state, shader cache or Cache Storage carries over.
    for (const backend of opts.backends) {
      const ctx = await browser.newContext();
      try {
        const p = await ctx.newPage();
        await openBenchPage(p, url);
        const models = opts.models.map((id) => ({ id, url: `/models/${id}/model.json` }));
        results.push(await runBackend(p, { backend, models, runs: opts.runs, frame }));
      } catch (err) {
        const error = (err as Error).message.split('\n')[0] ?? String(err);
        console.error(`[bench] ${backend} failed: ${error}`);
        failures.push({ backend, error });
      } finally {
        await ctx.close();
      }
    }

    const context_ = {
      date: new Date().toISOString(),
      cpu: { model: cpu[0]?.model ?? 'unknown', cores: cpu.length },
      browser: `Chromium ${browser.version()}`,
      gpu,
      note: SWIFTSHADER_NOTE,
      runs: opts.runs,
      frame: { width: frame.width, height: frame.height, photo: PHOTO, draw: frame.draw, faces: frame.faces },
      detection: 'MediaPipe FaceDetector (CPU wasm), FaceDetectorService.detectImage on the canvas, timed once per backend page',
    };
    const json = {
      context: context_,
      failures,
      results: results.map((r) => ({
        ...r,
        detect: withSummary(r.detect),
        models: r.models.map((m) => ({
          ...m,
          classify1: withSummary(m.classify1),
          classify4: withSummary(m.classify4),
          crop4: withSummary(m.crop4),
          model4: withSummary(m.model4),
          frame4: withSummary(m.frame4),
          frameSplit: { detect: summarizeSamples(m.frameDetectMs), classify: summarizeSamples(m.frameClassifyMs) },
        })),
      })),
    };
    mkdirSync(dirname(opts.out), { recursive: true });
    // performance.now() has 0.1 ms resolution here (no cross-origin isolation): 3 decimals keep all of it.
    const rounded = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
    writeFileSync(opts.out, JSON.stringify(json, rounded, 2) + '\n');

    printReport(opts, context_, results, failures);
    console.log(`\nfull results: ${relative(process.cwd(), opts.out)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

function printReport(
  opts: Options,
  ctx: { cpu: { model: string; cores: number }; browser: string; gpu: GpuInfo | null },
  results: BackendResult[],
  failures: { backend: string; error: string }[],
): void {
  const rows: Row[] = [];
  for (const r of results) for (const m of r.models) rows.push({ backend: r.backend, model: m.id, result: m, detect: summarizeSamples(r.detect.samples) });
  for (const f of failures) for (const m of opts.models) rows.push({ backend: f.backend, model: m, result: null, detect: null, error: f.error });

  const g = ctx.gpu;
  console.log(`CPU: ${ctx.cpu.model} x ${ctx.cpu.cores} cores`);
  console.log(`Browser: ${ctx.browser} (headless)`);
  console.log(
    `WebGPU adapter: ${
      g?.webgpu
        ? Object.values(g.webgpu)
            .filter((v) => v !== '')
            .join(' / ')
        : 'none'
    }`,
  );
  console.log(`WebGL renderer: ${g?.webgl ? `${g.webgl.vendor} / ${g.webgl.renderer}` : 'none'}`);
  console.log(SWIFTSHADER_NOTE);
  console.log(
    `\n${opts.runs} timed runs each after warm-up; ms. Frame ${FRAME.width}x${FRAME.height} from ${PHOTO}. ` +
      'cls = classifier.classify(pixels, boxes) (crop + model + read-back); crop/model 4 = each part alone; ' +
      "detect = FaceDetectorService.detectImage (MediaPipe, CPU wasm, per backend page); frame = Engine.analyse(bitmap of the video, 'frame'), the app's own path (faces found); " +
      'shaders = WebGL programs / WebGPU pipelines the warm-up compiled for the model and for the crop path, / those compiled after it (a shape it missed); ' +
      'tensors b/a = tf.memory().numTensors before/after the timed runs.\n',
  );
  console.log(formatTable(rows.some((r) => r.error) ? COLUMNS : COLUMNS.slice(0, -1), rows));
  // classifier.warmup() runs the model at batch 1, 2, 4 and the crop path on a 1280x720 frame (the
  // bench's own size), so the first classify after it should cost about a timed one; a large gap
  // means a shader the warm-up missed.
  const firsts = results.flatMap((r) => r.models.map((m) => `${r.backend}/${m.id}: ${formatMs(m.classify1.firstMs)}`));
  if (firsts.length) console.log(`\nFirst 1-face classify after warm-up (model and crop already warmed; compare with the median): ${firsts.join(', ')} ms`);
}

await main();
