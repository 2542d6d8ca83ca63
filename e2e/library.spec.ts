/**
 * The engine as a library, as a user gets it: built by `npm run build:lib`, packed by `npm pack`,
 * installed from the .tgz into a blank project in a temporary folder, built there by Vite with no
 * configuration, its assets copied beside the page as docs/library.md says, and served by a static
 * server that knows nothing of the app: no CSP, no test hook. The engine runs there in both thread
 * modes; every request the pages make is counted, and every console line. The repository's
 * examples (examples/index.html, examples/webcam.html with a fake camera) load the built package the
 * same way, without a bundler.
 *
 * The browser has no WebGPU (no --enable-unsafe-webgpu), as many do: where asking for an adapter gets
 * none, Chromium prints "No available adapters.", which a page that never uses WebGPU must not cause.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join, resolve } from 'node:path';
import { type ConsoleMessage, expect, type Page, test } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { allExportedNames, render, sections, SOURCES } from '../scripts/library-docs.ts';
import { serveStatic, type StaticServer } from '../scripts/lib/static-server.ts';
import { DEFAULT_MODEL_ID } from '../src/engine/assets.ts';
import { FACE_Y4M } from './global-setup.ts';
import { launchWithCamera } from './support.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGE = join(ROOT, 'packages/engine');
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
/** The default model's folder and its weight files, read from the model itself. */
const MODEL_DIR = `models/${DEFAULT_MODEL_ID}`;
const SHARDS = (JSON.parse(readFileSync(join(ROOT, MODEL_DIR, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest.flatMap((g) => g.paths);

test.describe.configure({ mode: 'serial' });
test.use({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu') } });

let repo: StaticServer | null = null;
let user: StaticServer | null = null;
/** The blank project the packed package is installed into (a temporary folder). */
let project = '';
/** What `vite build` printed in it. */
let userBuild = '';

test.beforeAll(async () => {
  test.setTimeout(900_000); // vite's library mode, tsc's declarations, npm pack and install, a user's vite build: minutes on a busy 2-core machine
  const build = spawnSync('npm', ['run', 'build:lib'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, `npm run build:lib failed:\n${build.stdout}\n${build.stderr}`).toBe(0);
  project = mkdtempSync(join(tmpdir(), 'resemote-user-'));
  execFileSync('npm', ['pack', '--pack-destination', project], { cwd: PACKAGE, stdio: 'pipe' });
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz')) as string;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-user-page', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], { cwd: project, stdio: 'pipe' });
  // A page that loads the package through the bundler and hands its exports to the test.
  mkdirSync(join(project, 'public'));
  cpSync(join(ROOT, 'e2e/fixtures/group-3.jpg'), join(project, 'public/group-3.jpg'));
  writeFileSync(
    join(project, 'index.html'),
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A user\'s page</title></head>\n<body><img id="photo" src="/group-3.jpg" alt="three people"><script type="module" src="/main.js"></script></body></html>\n',
  );
  writeFileSync(join(project, 'main.js'), "import * as resemote from '@resemote/engine';\nwindow.resemote = resemote;\ndocument.body.dataset.ready = 'true';\n");
  const { FORCE_COLOR: _colour, ...env } = process.env; // Playwright's, for its own output
  const vite = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: project, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  userBuild = stripVTControlCharacters(`${vite.stdout}\n${vite.stderr}`);
  expect(vite.status, `the user's vite build failed:\n${userBuild}`).toBe(0);
  // As docs/library.md says: the package's dist/assets/ served with the page, at assetsUrl.
  cpSync(join(project, 'node_modules/@resemote/engine/dist/assets'), join(project, 'dist/resemote'), { recursive: true });
  repo = await serveStatic(ROOT);
  user = await serveStatic(join(project, 'dist'));
});

test.afterAll(async () => {
  await repo?.close();
  await user?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Every request of a page, and every console line but DevTools' "Verbose" (debug) ones. */
function watch(page: Page): { requests: string[]; console: string[]; errors: string[] } {
  const seen = { requests: [] as string[], console: [] as string[], errors: [] as string[] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'debug') seen.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

const offOrigin = (requests: string[], base: string) => requests.filter((u) => !u.startsWith(`${base}/`) && !/^(blob|data):/.test(u));

/** `npm pack --dry-run`'s file list for packages/engine. */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: PACKAGE, encoding: 'utf8' });
  const [info] = JSON.parse(out) as [{ files: { path: string }[] }];
  return info.files.map((f) => f.path).sort();
}

test('npm pack holds the built library, its declarations and the files it fetches, and nothing else', () => {
  const files = packedFiles();
  expect(files.filter((p) => !/^(dist\/|package\.json$|README\.md$|LICENSE$)/.test(p))).toEqual([]);
  expect(files.filter((p) => /fixtures|training|e2e|\.test\.|\.spec\.|\.tsx?$/.test(p) && !p.endsWith('.d.ts'))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'package.json',
      'dist/resemote-engine.js',
      'dist/types/index.d.ts',
      'dist/assets/page-engine.js',
      'dist/assets/mediapipe/face_detector.tflite',
      'dist/assets/mediapipe/wasm/vision_wasm_module_internal.js',
      'dist/assets/mediapipe/wasm/vision_wasm_module_internal.wasm',
      'dist/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm',
      'dist/assets/tfjs-wasm/tfjs-backend-wasm.wasm',
      `dist/assets/${MODEL_DIR}/model.json`,
      ...SHARDS.map((s) => `dist/assets/${MODEL_DIR}/${s}`),
    ]),
  );
  // Beside the entry, only its worker: the page-thread engine is among the assets, for no bundler to follow.
  expect(files.filter((p) => /^dist\/[^/]+\.js$/.test(p)).map((p) => p.replace(/-[\w-]{8}\.js$/, '-<hash>.js'))).toEqual(['dist/engine.worker-<hash>.js', 'dist/resemote-engine.js']);
  // The README is the library's reference.
  expect(readFileSync(join(PACKAGE, 'README.md'), 'utf8')).toContain('## Errors');
});

test("docs/library.md's tables are what the packed declarations say", () => {
  const types = join(PACKAGE, 'dist/types');
  const doc = readFileSync(join(ROOT, 'docs/library.md'), 'utf8');
  // The tables made again from the .d.ts a user's TypeScript reads (their doc comments included).
  const made = sections({ ...SOURCES, types: join(types, 'library/types.d.ts'), api: join(types, 'api.d.ts'), tracker: join(types, 'tracker.d.ts') });
  expect(render(doc, made)).toBe(doc);
  const exported = allExportedNames(join(types, 'index.d.ts'));
  expect(exported.length).toBeGreaterThan(40);
  expect(exported.filter((name) => !made.exports?.includes(`\`${name}\``))).toEqual([]);
});

test("the packed declarations type-check docs/library.md's quick start alone, and reject a wrong call", () => {
  test.setTimeout(300_000); // one tsc run: seconds idle, minutes on a busy machine
  // The project outside the repository: no TF.js or MediaPipe types can be found by walking up.
  const dir = mkdtempSync(join(project, 'types-'));
  const reference = readFileSync(join(ROOT, 'docs/library.md'), 'utf8');
  const example = /^## Quick start\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(reference)?.[1];
  expect(example, 'docs/library.md has a ```ts example under "## Quick start"').toBeTruthy();
  writeFileSync(join(dir, 'example.ts'), `${example}\nexport {};\n`);
  writeFileSync(
    join(dir, 'wrong.ts'),
    "import { createEngine } from '@resemote/engine';\nconst e = await createEngine({ assetsUrl: '/a/' });\nawait e.analyse(new ImageData(1, 1), { kind: 'video' });\nexport {};\n",
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      // skipLibCheck false: the package's .d.ts are checked (TypeScript's own lib files are not).
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        skipDefaultLibCheck: true,
        types: [],
        target: 'ES2022',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        module: 'ESNext',
        moduleResolution: 'bundler',
        noUncheckedIndexedAccess: true,
        typeRoots: [],
      },
      files: ['example.ts', 'wrong.ts'],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  const errors = (tsc.stdout + tsc.stderr).split('\n').filter(Boolean);
  // The only error: the kind that does not exist (so the types are real, not `any`).
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^wrong\.ts\(3,\d+\): error TS2322: Type '"video"' is not assignable/);
});

test("a user's Vite build of the package prints no warning and carries no page-thread engine", () => {
  expect(userBuild).not.toMatch(/larger than 500 kB/);
  // Vite's warnings start with "(!)"; rolldown's [PLUGIN_TIMINGS] note measures the machine, not the package.
  expect(userBuild.split('\n').filter((l) => /^\(!\)|warning/i.test(l.trim()))).toEqual([]);
  const built = readdirSync(join(project, 'dist/assets')).filter((f) => f.endsWith('.js'));
  const big = built.filter((f) => statSync(join(project, 'dist/assets', f)).size > 500_000);
  // Only the engine's worker is large, copied as it is (an asset, loaded at createEngine).
  expect(big.map((f) => f.replace(/-[\w-]{8}\.js$/, '').replace(/-[\w-]{8}$/, ''))).toEqual(['engine.worker']);
  const withMediaPipe = built.filter((f) => readFileSync(join(project, 'dist/assets', f), 'utf8').includes('odml.pa.googleapis.com'));
  expect(withMediaPipe).toEqual(big);
});

for (const thread of ['auto', 'page'] as const) {
  test(`${thread === 'auto' ? "the engine's worker" : "the page's thread"}: analyse, switch backend, dispose and create again, engines one after another; nothing leaves the origin, nothing on the console`, async ({
    page,
  }) => {
    test.setTimeout(600_000); // a WebGL warm-up on SwiftShader and four engine starts: minutes on a busy machine
    const base = (user as StaticServer).url;
    const seen = watch(page);
    await page.goto(`${base}/`);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const run = await page.evaluate(async (thread) => {
      type Lib = typeof import('../src/engine/index.ts');
      const { createEngine } = (window as unknown as { resemote: Lib }).resemote;
      const img = document.querySelector('#photo') as HTMLImageElement;
      await img.decode();
      const out = { threads: [] as string[], faces: [] as number[], backends: [] as string[], failed: [] as unknown[], afterDispose: '' };
      const open = () => createEngine({ assetsUrl: '/resemote/', thread });
      let engine = await open();
      out.threads.push(engine.status.thread);
      out.faces.push((await engine.analyse(img)).faces.length);
      out.backends.push((await engine.switchBackend('webgl')).backend);
      out.faces.push((await engine.analyse(img)).faces.length);
      await engine.dispose();
      await engine.dispose(); // twice is fine
      out.afterDispose = await engine.analyse(img).then(
        () => 'resolved',
        (err: { part?: string }) => err.part ?? 'no part',
      );
      for (let i = 0; i < 3; i++) {
        engine = await open();
        out.threads.push(engine.status.thread);
        out.faces.push((await engine.analyse(img)).faces.length);
        out.backends.push(engine.status.backend);
        out.failed.push(engine.status.failed ?? null);
        await engine.dispose();
      }
      return out;
    }, thread);
    const where = thread === 'auto' ? 'worker' : 'page';
    expect(run.threads).toEqual([where, where, where, where]);
    expect(run.faces).toEqual([3, 3, 3, 3, 3]);
    expect(run.backends).toEqual(['webgl', 'wasm', 'wasm', 'wasm']);
    expect(run.failed).toEqual([null, null, null]);
    expect(run.afterDispose).toBe('engine');
    // The engine's files came from assetsUrl (the worker's requests are seen too), the page-thread
    // engine only where the engine ran on the page's thread.
    expect(seen.requests.some((u) => u.endsWith(`/resemote/${MODEL_DIR}/model.json`))).toBe(true);
    expect(seen.requests.some((u) => u.endsWith('/resemote/page-engine.js'))).toBe(thread === 'page');
    expect(offOrigin(seen.requests, base)).toEqual([]);
    expect(seen.errors).toEqual([]);
    // On the page's thread Chromium may note its own GL driver's stalls for MediaPipe's WebGL canvas:
    // the browser's lines, which no script can switch off (docs/library.md "The console").
    expect(seen.console.filter((l) => thread === 'auto' || !/^warning: \[\.WebGL-[\w]+\]GL Driver Message \(OpenGL, Performance, [\w]+, High\): GPU stall due to ReadPixels/.test(l))).toEqual([]);
  });
}

/** Each file the engine loads, and the part whose error names it. */
const FILES: [string, string, 'auto' | 'page'][] = [
  [`${MODEL_DIR}/model.json`, 'model', 'auto'],
  ...SHARDS.map((s): [string, string, 'auto'] => [`${MODEL_DIR}/${s}`, 'model', 'auto']),
  ['mediapipe/face_detector.tflite', 'detector', 'auto'],
  ['mediapipe/wasm/vision_wasm_module_internal.js', 'detector', 'auto'],
  ['mediapipe/wasm/vision_wasm_module_internal.wasm', 'detector', 'auto'],
  ['tfjs-wasm/tfjs-backend-wasm-simd.wasm', 'backend', 'auto'],
  ['page-engine.js', 'engine', 'page'],
];

test('each file of the engine, missing or an HTML page, rejects createEngine with an EngineError naming its URL and what came back', async ({ browser }) => {
  test.setTimeout(900_000); // 2 x 8 failed starts, each in a fresh browser context (no cached model)
  const server = user as StaticServer;
  const seen: Record<string, unknown>[] = [];
  const wanted: Record<string, unknown>[] = [];
  for (const [file, part, thread] of FILES) {
    for (const fault of ['missing', 'html'] as const) {
      const url = `${server.url}/resemote/${file}`;
      server.faults.clear();
      server.faults.set(`/resemote/${file}`, fault);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${server.url}/`);
        await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
        const err = await page.evaluate(async (thread) => {
          const { createEngine } = (window as unknown as { resemote: typeof import('../src/engine/index.ts') }).resemote;
          try {
            const engine = await createEngine({ assetsUrl: '/resemote/', thread });
            return { resolved: engine.status.backend };
          } catch (e) {
            const { name, part, url, message } = e as { name: string; part: string; url?: string; message: string };
            return { name, part, url, message };
          }
        }, thread);
        const said = fault === 'missing' ? 'HTTP 404' : 'an HTML page, not';
        seen.push({
          file,
          fault,
          ...err,
          message: (err as { message?: string }).message?.includes(`${url} could not be loaded: ${said}`) ? 'names the URL and what came back' : (err as { message?: string }).message,
        });
        wanted.push({ file, fault, name: 'EngineError', part, url, message: 'names the URL and what came back' });
      } finally {
        await context.close();
      }
    }
  }
  server.faults.clear();
  expect(seen).toEqual(wanted);
});

test('examples/index.html loads the built library, analyses the photo in the worker and prints every face with 7 probabilities', async ({ page }) => {
  const base = (repo as StaticServer).url;
  const seen = watch(page);
  await page.goto(`${base}/examples/`);
  const status = page.getByTestId('status');
  await expect(status).toHaveText(/faces in|failed/, { timeout: 150_000 });
  await expect(status).not.toHaveAttribute('data-failed');
  await expect(status).toContainText('3 faces in 1280x');
  await expect(status).toContainText('(worker), resemote-emotions/1');
  const lines = ((await page.getByTestId('faces').textContent()) ?? '').split('\n');
  expect(lines).toHaveLength(3);
  for (const [i, line] of lines.entries()) {
    expect(line).toMatch(new RegExp(`^face ${i + 1}: (${EMOTIONS.join('|')}) `));
    const probs = (line.split(' | ')[1] ?? '').split(' ');
    expect(probs.filter((_, k) => k % 2 === 0)).toEqual(EMOTIONS); // the seven, by name, in order
    const sum = probs.filter((_, k) => k % 2 === 1).reduce((a, p) => a + Number(p), 0);
    expect(sum).toBeGreaterThan(0.96); // two decimals each: 1 within rounding
    expect(sum).toBeLessThan(1.04);
  }
  expect(seen.errors).toEqual([]);
  expect(seen.console).toEqual([]);
  expect(offOrigin(seen.requests, base)).toEqual([]); // the engine's files come from assetsUrl, never a CDN
});

test('examples/webcam.html: live boxes and the top emotion of the face a fake camera shows, on the worker', async () => {
  test.setTimeout(300_000);
  expect(readFileSync(join(ROOT, 'examples/webcam.html'), 'utf8').split('\n').filter(Boolean).length).toBeLessThanOrEqual(40);
  const base = (repo as StaticServer).url;
  const browser = await launchWithCamera(FACE_Y4M);
  try {
    const context = await browser.newContext();
    await context.grantPermissions(['camera'], { origin: base });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${base}/examples/webcam.html`);
    const status = page.getByTestId('status');
    // Three frames analysed one after another, the face tracked as face 1 with an emotion.
    await expect(status).toHaveText(new RegExp(`^frame ([3-9]|\\d{2,}), \\d+ ms on wasm: 1: (${EMOTIONS.join('|')})$`), { timeout: 180_000 });
    // Its box and label are drawn on the overlay, in the emotion's colour.
    const painted = await page.getByTestId('overlay').evaluate((c: HTMLCanvasElement) => {
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(500);
    expect(seen.errors).toEqual([]);
    expect(seen.console).toEqual([]);
    expect(offOrigin(seen.requests, base)).toEqual([]);
  } finally {
    await browser.close();
  }
});
