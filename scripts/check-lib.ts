/**
 * The last step of `npm run build:lib` (after vite build --config vite.lib.config.ts and
 * tsc -p tsconfig.lib.json): makes packages/engine/dist/ what the package ships, and checks it.
 *
 * - Declarations: tsc emits one .d.ts per engine file; only those the entry (types/index.d.ts)
 *   reaches are kept, and none of them may import a package (TF.js and MediaPipe are bundled into
 *   the JavaScript, not dependencies, so a user's TypeScript would not find their types). A bare
 *   import or an unresolved one fails the build.
 * - The package's README.md is docs/library.md (the library's reference) and its LICENSE the
 *   root's, copied, so neither is kept in step by hand.
 * - Prints the size of each JavaScript file, raw and gzipped (gzip -9, as `gzip -9c FILE | wc -c`), and of the assets.
 *
 * Exit 1 with the reasons when something is wrong.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ASSET_PATHS } from '../src/engine/assets.ts';

const root = resolve(import.meta.dirname, '..');
export const PACKAGE = join(root, 'packages/engine');
const DIST = join(PACKAGE, 'dist');
const TYPES = join(DIST, 'types');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Module specifiers a declaration file refers to (imports, re-exports, import() types, triple-slash references). */
export function specifiers(text: string): string[] {
  const found = [
    ...[...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] as string),
    ...[...text.matchAll(/\/\/\/\s*<reference\s+types=["']([^"']+)["']/g)].map((m) => m[1] as string),
  ];
  return [...new Set(found)];
}

/** The declaration file a relative specifier of `from` means, or null when there is none. */
function resolveDeclaration(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier).replace(/\.(ts|js)$/, '');
  return [`${base}.d.ts`, join(base, 'index.d.ts')].find((f) => existsSync(f)) ?? null;
}

/** The declarations the entry reaches, and what is wrong with them. */
export function declarationGraph(entry: string): { reached: Set<string>; problems: string[] } {
  const reached = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const s of specifiers(readFileSync(file, 'utf8'))) {
      if (!s.startsWith('.')) {
        problems.push(`${relative(DIST, file)} needs the package '${s}', which the library does not depend on`);
        continue;
      }
      const target = resolveDeclaration(file, s);
      if (target) visit(target);
      else problems.push(`${relative(DIST, file)} refers to '${s}', which has no declaration`);
    }
  };
  visit(entry);
  return { reached, problems };
}

function removeEmptyDirs(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

/** docs/library.md as the package's own README: without the markers of its generated tables. */
export function packageReadme(reference: string): string {
  if (!/^# @resemote\/engine\b/m.test(reference)) throw new Error('docs/library.md does not start with "# @resemote/engine"');
  const body = reference.replace(/^<!-- \/?generated:[\w-]+ -->\n/gm, '').replace(/\n<!-- [\s\S]*? -->\n/g, '\n');
  return `${body.trim()}\n\nPart of ResEmote: the app that uses this engine, the model and how it was trained are in the same repository.\n`;
}

/** The package's own JavaScript: the entry, its worker and the page-thread engine (assets/page-engine.js). */
export function sizes(): { file: string; bytes: number; gzip: number }[] {
  return files(DIST)
    .filter((f) => f.endsWith('.js') && (!f.startsWith(join(DIST, 'assets')) || f === join(DIST, 'assets', ASSET_PATHS.pageEngine)))
    .sort()
    .map((f) => {
      const data = readFileSync(f);
      return { file: relative(DIST, f), bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const entry = join(TYPES, 'index.d.ts');
  const problems: string[] = [];
  if (!existsSync(join(DIST, 'resemote-engine.js'))) problems.push('dist/resemote-engine.js is missing: run vite build --config vite.lib.config.ts');
  if (!existsSync(entry)) problems.push('dist/types/index.d.ts is missing: run tsc -p tsconfig.lib.json');
  if (!problems.length) {
    const graph = declarationGraph(entry);
    problems.push(...graph.problems);
    const unreached = files(TYPES).filter((f) => !graph.reached.has(f));
    for (const f of unreached) unlinkSync(f);
    removeEmptyDirs(TYPES);
    console.log(`declarations: ${graph.reached.size} kept, ${unreached.length} not reached from the entry removed`);
  }
  const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; types: string };
  for (const target of [pkg.types, ...(JSON.stringify(pkg.exports).match(/\.\/dist\/[^"*]+/g) ?? [])]) {
    if (!existsSync(join(PACKAGE, target))) problems.push(`package.json names ${target}, which the build did not make`);
  }
  writeFileSync(join(PACKAGE, 'README.md'), packageReadme(readFileSync(join(root, 'docs/library.md'), 'utf8')));
  copyFileSync(join(root, 'LICENSE'), join(PACKAGE, 'LICENSE'));
  if (problems.length) {
    console.error(`packages/engine is not ready:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  for (const s of sizes()) console.log(`${s.file.padEnd(32)} ${kib(s.bytes).padStart(11)}  gzip ${kib(s.gzip).padStart(10)}`);
  const assets = files(join(DIST, 'assets')).reduce((n, f) => n + statSync(f).size, 0);
  console.log(`${'assets/ (fetched at run time)'.padEnd(32)} ${kib(assets).padStart(11)}`);
}
