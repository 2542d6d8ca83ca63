/**
 * The engine as a library (README "Use the engine in your own page"), as a user gets it: built by
 * `npm run build:lib`, packed by `npm pack`, its declarations compiled on their own, and loaded by a
 * plain page (examples/index.html) from a static server that knows nothing of the app: no Vite, no
 * CSP, no test hook. The page analyses a committed photo and prints its faces.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { serveStatic, type StaticServer } from '../scripts/lib/static-server.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGE = join(ROOT, 'packages/engine');
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

test.describe.configure({ mode: 'serial' });

let server: StaticServer | null = null;

test.beforeAll(async () => {
  test.setTimeout(600_000); // the build: vite's library mode and tsc's declarations (20 s idle, minutes on a busy 2-core machine)
  const build = spawnSync('npm', ['run', 'build:lib'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, `npm run build:lib failed:\n${build.stdout}\n${build.stderr}`).toBe(0);
  server = await serveStatic(ROOT);
});

test.afterAll(async () => {
  await server?.close();
});

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
      'dist/assets/mediapipe/face_detector.tflite',
      'dist/assets/mediapipe/wasm/vision_wasm_module_internal.js',
      'dist/assets/mediapipe/wasm/vision_wasm_module_internal.wasm',
      'dist/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm',
      'dist/assets/tfjs-wasm/tfjs-backend-wasm.wasm',
      'dist/assets/models/resemotenet-s7/model.json',
      'dist/assets/models/resemotenet-s7/group1-shard1of1.bin',
    ]),
  );
  expect(files.some((p) => /^dist\/engine\.worker-[\w-]+\.js$/.test(p))).toBe(true);
});

test("the packed declarations type-check a user's code alone, and reject a wrong call", () => {
  test.setTimeout(300_000); // npm pack and one tsc run: seconds idle, minutes on a busy machine
  // Unpacked outside the repository, so no TF.js or MediaPipe types can be found by walking up.
  const dir = mkdtempSync(join(tmpdir(), 'resemote-engine-user-'));
  try {
    execFileSync('npm', ['pack', '--pack-destination', dir], { cwd: PACKAGE, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz')) as string;
    execFileSync('tar', ['-xzf', tarball], { cwd: dir });
    mkdirSync(join(dir, 'node_modules/@resemote'), { recursive: true });
    renameSync(join(dir, 'package'), join(dir, 'node_modules/@resemote/engine'));
    // The README's example, as a user would paste it, and a call the types must refuse.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /<!-- library -->[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a ```ts example in its library section').toBeTruthy();
    writeFileSync(join(dir, 'example.ts'), `${example}\nexport {};\n`);
    writeFileSync(join(dir, 'wrong.ts'), "import { createEngine } from '@resemote/engine';\nconst e = await createEngine({ assetsUrl: '/a/' });\nawait e.analyse(new ImageData(1, 1), { kind: 'video' });\nexport {};\n");
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        // skipLibCheck false: the package's .d.ts are checked (TypeScript's own lib files are not).
        compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, skipDefaultLibCheck: true, types: [], target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], module: 'ESNext', moduleResolution: 'bundler', noUncheckedIndexedAccess: true },
        files: ['example.ts', 'wrong.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    const errors = (tsc.stdout + tsc.stderr).split('\n').filter(Boolean);
    // The only error: the kind that does not exist (so the types are real, not `any`).
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^wrong\.ts\(3,\d+\): error TS2322: Type '"video"' is not assignable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('examples/index.html loads the built library, analyses the photo in the worker and prints every face with 7 probabilities', async ({ page }) => {
  const base = (server as StaticServer).url;
  const elsewhere: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) elsewhere.push(r.url());
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
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
  expect(pageErrors).toEqual([]);
  expect(elsewhere).toEqual([]); // the engine's files come from assetsUrl, never a CDN
});
