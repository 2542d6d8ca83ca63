/**
 * The layers, enforced: the engine (pure TypeScript, no React), the state (no UI), the app
 * controller (no React components), and the UI on top. A file that imports across the line
 * upward fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
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
