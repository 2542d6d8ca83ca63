/**
 * The layers, enforced: the engine (pure TypeScript, no React), the state (no UI), the app
 * controller (no React components), and the UI on top. A file that imports across the line
 * upward fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every module a file names: imports (types included) and re-exports (`export … from`). */
function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import[^'"]*|export\s[^'";]*?from\s*)['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
}

/** The modules a file needs at run time: static imports and re-exports, `import type` / `export type` left out. */
function runtimeImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)(?!\s+type\b)[^'";]*?from\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)].map((m) => (m[1] ?? m[2]) as string);
}

const ENGINE = join(SRC, 'engine');
/** The engine's public entry: what the library exports, and all the page's layers may use. */
const ENTRY = join(ENGINE, 'index.ts');

/** A relative import of `file` as the path it points at (extension and /index left off), or null for a package. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return resolve(dirname(file), specifier).replace(/\.tsx?$/, '').replace(/\/index$/, '');
}

const rules: [string, RegExp, string][] = [
  ['engine', /^(react|react-dom|zustand)$|\/(ui|state|app)\//, 'the engine is pure: no React, no store, no UI'],
  ['state', /^(react-dom)$|\/(ui|app)\//, 'the store knows nothing of the UI or the controller'],
  ['app', /^(react|react-dom)$|\/ui\//, 'the controller has no React in it'],
];

describe('layer boundaries', () => {
  it.each(rules)('%s/ imports nothing above it', (layer, forbidden, why) => {
    const files = sources(join(SRC, layer));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bad = imports(file).filter((i) => forbidden.test(i) || forbidden.test(`/${i.replace(/^\.\.?\//, '')}`));
      expect({ file: relative(SRC, file), bad, why }).toEqual({ file: relative(SRC, file), bad: [], why });
    }
  });

  it.each(['app', 'ui', 'state'])('%s/ uses the engine only through its public entry (src/engine/index.ts), types included', (layer) => {
    // The app is the library's first user: what it needs from the engine is public API, and an
    // engine file can be reorganised without touching the page as long as the entry stays.
    const files = sources(join(SRC, layer));
    expect(files.length).toBeGreaterThan(0);
    const internal = files.flatMap((file) =>
      imports(file)
        .filter((i) => target(file, i)?.startsWith(`${ENGINE}/`))
        .map((i) => `${relative(SRC, file)} -> ${i}`),
    );
    expect(internal).toEqual([]);
  });

  it('the public entry loads no TF.js and no MediaPipe: the page gets them only with the engine, in its worker or on demand', () => {
    const seen = new Set<string>();
    const heavy: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of runtimeImports(file)) {
        const path = target(file, i);
        if (path === null) {
          if (/^@(tensorflow|mediapipe)\//.test(i)) heavy.push(`${relative(SRC, file)} -> ${i}`);
        } else if (!path.endsWith('.json')) visit([`${path}.ts`, join(path, 'index.ts')].find((f) => existsSync(f)) ?? `${path}.ts`);
      }
    };
    visit(ENTRY);
    expect(seen.size).toBeGreaterThan(5);
    expect(heavy).toEqual([]);
  });

  it('the engine names no location for its files: the layout is written once, in engine/assets.ts, and every URL comes through options', () => {
    const code = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const named = sources(ENGINE)
      .filter((file) => file !== join(ENGINE, 'assets.ts'))
      .flatMap((file) => [...code(file).matchAll(/(['"`])[^'"`\n]*(?:(?<!@)mediapipe\/|tfjs-wasm|models\/)[^'"`\n]*\1/g)].map((m) => `${relative(SRC, file)}: ${m[0]}`));
    expect(named).toEqual([]);
  });

  it('each exported class, interface and type is defined in one file (no copies kept in step by hand)', () => {
    const where = new Map<string, string[]>();
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^export (?:declare )?(?:abstract )?(?:class|interface|type|enum) ([A-Za-z0-9_]+)/gm)) {
        where.set(m[1] as string, [...(where.get(m[1] as string) ?? []), relative(SRC, file)]);
      }
    }
    expect([...where].filter(([, files]) => files.length > 1)).toEqual([]);
  });

  it('user wording has one home: every message with its "what to do next" is made in state/errors.ts', () => {
    // An AppError literal (message + action) anywhere else would be wording kept in step by hand;
    // the engine has none at all: it throws EngineError or plain errors, which the page words.
    const elsewhere = sources(SRC)
      .filter((f) => relative(SRC, f) !== join('state', 'errors.ts'))
      .filter((f) => /\baction: ['"`]/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(elsewhere).toEqual([]);
    expect(sources(join(SRC, 'engine')).filter((f) => /\b(AppError|AppException)\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('React components live in ui/ only', () => {
    for (const file of sources(SRC).filter((f) => f.endsWith('.tsx'))) {
      expect(relative(SRC, file)).toMatch(/^(ui\/|main\.tsx$)/);
    }
  });
});
