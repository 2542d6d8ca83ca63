/**
 * The engine as a library (npm run build:lib): src/engine/index.ts in Vite's library mode, ES modules
 * only, into packages/engine/dist/. Everything is bundled (TF.js and MediaPipe included), so the
 * package loads as it is from any static server, a CDN or a bundler, with no import map and no
 * dependency to install:
 *
 *   resemote-engine.js        the entry (API, worker proxy, tracker: no TF.js)
 *   shared-<hash>.js          code the entry shares with the worker's proxy
 *   engine.worker-<hash>.js   the engine's worker (TF.js, MediaPipe's loader), started by the entry
 *   assets/                   the files the engine fetches (createEngine's assetsUrl): mediapipe/,
 *                             tfjs-wasm/, models/<the default model>/ and page-engine.js, laid out as engine/assets.ts says
 *
 * assets/page-engine.js is the same engine for the page's own thread, one self-contained module
 * built apart (src/engine/engine.ts as its entry) and imported by URL only where a worker cannot run
 * the engine (remote.ts): no import of it is left in the entry for a user's bundler to follow, so
 * their build carries no 1.6 MB chunk it never loads, and Vite prints no "chunks larger than 500 kB".
 * MediaPipe's bundle is built without network in all three (scripts/lib/mediapipe-offline.ts).
 *
 * The declarations (types/) come from tsc -p tsconfig.lib.json, then scripts/check-lib.ts keeps
 * the ones the entry reaches and checks that they need no package.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, defineConfig, type Plugin } from 'vite';
import { mediapipeOffline } from './scripts/lib/mediapipe-offline.ts';
import { ASSET_PATHS, DEFAULT_MODEL_ID } from './src/engine/assets.ts';

const root = import.meta.dirname;
export const LIB_OUT = resolve(root, 'packages/engine/dist');

/** The npm packages bundled into the library, by name: collected from every chunk, the worker's too. */
const bundled = new Map<string, { version: string; license: string; dir: string }>();

function collectPackages(): Plugin {
  return {
    name: 'resemote-bundled-packages',
    generateBundle: (_options, bundle) => {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of chunk.moduleIds) {
          const m = /^(.*\/node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(id.replace(/\\/g, '/'));
          if (!m || bundled.has(m[2] as string)) continue;
          const pkg = JSON.parse(readFileSync(join(m[1] as string, 'package.json'), 'utf8')) as { version: string; license?: string };
          bundled.set(m[2] as string, { version: pkg.version, license: pkg.license ?? 'see its package', dir: m[1] as string });
        }
      }
    },
  };
}

/** dist/THIRD-PARTY-NOTICES.md: each bundled package, its version and licence, and its licence file. */
function thirdPartyNotices(): string {
  const rows = [...bundled].sort(([a], [b]) => a.localeCompare(b));
  const text = (dir: string, license: string) => {
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    if (file) return readFileSync(join(dir, file), 'utf8').trim();
    const ids = license.split(/\s+(?:AND|OR)\s+/).map((id) => `https://spdx.org/licenses/${id.replace(/[()]/g, '')}.html`);
    return `The package ships no licence file; its package.json says ${license}: ${ids.join(', ')}`;
  };
  return [
    '# Third-party code in this package',
    '',
    "The JavaScript files of dist/ bundle these npm packages (the files under dist/assets/ carry their own NOTICE.md). This package's own code is MIT (LICENSE).",
    '',
    '| package | version | licence |',
    '| --- | --- | --- |',
    ...rows.map(([name, p]) => `| ${name} | ${p.version} | ${p.license} |`),
    '',
    ...rows.flatMap(([name, p]) => [`## ${name} ${p.version}`, '', '```', text(p.dir, p.license), '```', '']),
  ].join('\n');
}

/** assets/page-engine.js: the engine for the page's thread, one file with everything it needs. */
async function buildPageEngine(out: string): Promise<void> {
  await build({
    configFile: false,
    publicDir: false,
    logLevel: 'warn',
    plugins: [collectPackages(), mediapipeOffline()],
    build: {
      target: 'es2022',
      outDir: out,
      emptyOutDir: false,
      copyPublicDir: false,
      chunkSizeWarningLimit: 4096,
      lib: { entry: resolve(root, 'src/engine/engine.ts'), formats: ['es'], fileName: () => ASSET_PATHS.pageEngine },
      rolldownOptions: { output: { minify: true, comments: false, codeSplitting: false } },
    },
  });
}

/** Copy the engine's files into dist/assets/ (prepared by scripts/prepare-assets.ts, and the default model), and build its page-thread engine there. */
function engineAssets(): Plugin {
  return {
    name: 'resemote-engine-assets',
    apply: 'build',
    writeBundle: async () => {
      const out = join(LIB_OUT, 'assets');
      const copies: [string, string][] = [
        [resolve(root, 'public/mediapipe'), join(out, 'mediapipe')],
        [resolve(root, 'public/tfjs-wasm'), join(out, ASSET_PATHS.tfjsWasm)],
        [resolve(root, 'models', DEFAULT_MODEL_ID), join(out, ASSET_PATHS.models, DEFAULT_MODEL_ID)],
      ];
      for (const [from, to] of copies) {
        if (!existsSync(from)) throw new Error(`${from} is missing: run npx tsx scripts/prepare-assets.ts first`);
        mkdirSync(to, { recursive: true });
        cpSync(from, to, { recursive: true });
      }
      await buildPageEngine(out);
      writeFileSync(join(LIB_OUT, 'THIRD-PARTY-NOTICES.md'), thirdPartyNotices());
    },
  };
}

export default defineConfig({
  // The app's public/ (icons, manifest) is not the library's.
  publicDir: false,
  // Chunks and the worker are found relative to the entry (new URL(…, import.meta.url)), wherever it is served.
  base: './',
  plugins: [collectPackages(), mediapipeOffline(), engineAssets()],
  // remote.ts: the page-thread engine comes from assets/page-engine.js, not from a chunk of this build.
  define: { 'import.meta.env.RESEMOTE_LIBRARY': 'true' },
  build: {
    target: 'es2022',
    outDir: LIB_OUT,
    emptyOutDir: true,
    copyPublicDir: false,
    chunkSizeWarningLimit: 4096,
    lib: { entry: resolve(root, 'src/engine/index.ts'), formats: ['es'], fileName: () => 'resemote-engine.js' },
    // Minified, whitespace too (library mode keeps it for tree-shaking, which a bundle of TF.js does
    // not get anyway), without comments: the bundled packages' licences are in THIRD-PARTY-NOTICES.md
    // once, not 1,600 times in the worker. Annotations stay: the entry's import of the page-thread
    // engine by URL keeps its @vite-ignore, so a user's bundler leaves it alone without a word.
    rolldownOptions: { output: { minify: true, comments: { legal: false, annotation: true, jsdoc: false }, chunkFileNames: 'shared-[hash].js' } },
  },
  // The worker beside the entry, as code; dist/assets/ holds only the files the engine fetches.
  worker: { format: 'es', plugins: () => [collectPackages(), mediapipeOffline()], rolldownOptions: { output: { entryFileNames: '[name]-[hash].js', minify: true, comments: false } } },
});
