import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '../src/engine/assets.ts';
import { defaultOf, DOC, exportedNames, literal, literals, members, render, sections, SOURCES, statedDefault, withoutDefault } from './library-docs.ts';

const ROOT = join(import.meta.dirname, '..');
const doc = readFileSync(DOC, 'utf8');

describe('docs/library.md, the library reference', () => {
  it('has every generated table as the code makes it today (npx tsx scripts/library-docs.ts rewrites them)', () => {
    expect(render(doc)).toBe(doc);
    // Every table the code makes is on the page.
    for (const name of Object.keys(sections())) expect(doc).toContain(`<!-- generated:${name} -->`);
  });

  it('documents every option with its default, every method (explain too), event and result field', () => {
    const made = sections();
    for (const m of members(SOURCES.types, 'EngineOptions')) expect(made.options).toContain(`| \`${m.name}\` |`);
    expect(made.options).toContain('| `detector.minScore` |');
    for (const m of members(SOURCES.tracker, 'TrackerOptions')) expect(made.options).toContain(`| \`tracker.${m.name}\` |`);
    for (const m of members(SOURCES.types, 'AnalyseOptions')) expect(made.analyse).toContain(`| \`${m.name}\` |`);
    const methods = members(SOURCES.types, 'EmotionEngine').map((m) => m.name);
    expect(methods).toEqual(expect.arrayContaining(['analyse', 'switchBackend', 'explain', 'setModel', 'resetTracking', 'on', 'dispose', 'status']));
    for (const m of methods) expect(made.engine).toMatch(new RegExp(`\\| \`${m}\\b`));
    for (const e of members(SOURCES.types, 'EngineEventMap')) expect(made.events).toContain(`| \`${e.name}\` |`);
    for (const f of members(SOURCES.types, 'EmotionFace')) expect(made.face).toContain(`| \`${f.name}`);
    // Each row says what it is: no field of the public types goes without a doc comment.
    for (const [name, table] of Object.entries(made)) expect({ name, empty: table.split('\n').filter((r) => / \|\s*\|$/.test(r)) }).toEqual({ name, empty: [] });
  });

  it("takes each default from the code, and a default a doc comment states is the code's", () => {
    const options = [...members(SOURCES.types, 'EngineOptions'), ...members(SOURCES.types, 'AnalyseOptions')];
    const tracker = members(SOURCES.tracker, 'TrackerOptions').map((m) => ({ ...m, name: `tracker.${m.name}` }));
    const stated = [...options, ...tracker].filter((m) => statedDefault(m.doc) !== null);
    expect(stated.length).toBeGreaterThan(8);
    for (const m of stated) expect({ option: m.name, stated: statedDefault(m.doc) }).toEqual({ option: m.name, stated: defaultOf(m.name).replace(/^`|`$/g, '') });
  });

  it('lists every error part, and only those', () => {
    const table = doc.slice(doc.indexOf('| `part` | when |\n| --- | --- |\n') + '| `part` | when |\n| --- | --- |\n'.length);
    const parts = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(parts.sort()).toEqual(literals(SOURCES.api, 'FailedPart').sort());
  });

  it('names only the model the package ships, the first of models/catalog.json', () => {
    const catalog = JSON.parse(readFileSync(join(ROOT, 'models/catalog.json'), 'utf8')) as { order: string[] };
    expect(DEFAULT_MODEL_ID).toBe(catalog.order[0]);
    expect(existsSync(join(ROOT, 'models', DEFAULT_MODEL_ID, 'model.json'))).toBe(true);
    const shipped = readdirSync(join(ROOT, 'models'));
    const named = [...new Set([...doc.matchAll(/\bresemotenet-[\w-]+/g)].map((m) => m[0]))];
    expect(named.filter((id) => id !== DEFAULT_MODEL_ID)).toEqual([]);
    expect(named.filter((id) => !shipped.includes(id))).toEqual([]);
  });

  it('lists every export of the package', () => {
    const index = readFileSync(SOURCES.index, 'utf8');
    const all = [...index.matchAll(/^export (?:type )?\{([^}]+)\}/gm)].flatMap((m) =>
      (m[1] as string)
        .split(',')
        .map((n) => n.trim().replace(/^type\s+/, ''))
        .filter(Boolean),
    );
    expect([...exportedNames('library'), ...exportedNames('building blocks')].sort()).toEqual(all.sort());
    for (const name of all) expect(sections().exports).toContain(`\`${name}\``);
  });
});

describe('library-docs helpers', () => {
  it('drops the "Default …" sentence a table has a column for, and reads the literal it states', () => {
    expect(withoutDefault('Minimum IoU to continue a track. Default 0.3.')).toBe('Minimum IoU to continue a track.');
    expect(withoutDefault("The backend to start on. Default 'wasm'. One the browser lacks falls back.")).toBe('The backend to start on. One the browser lacks falls back.');
    expect(statedDefault('Minimum IoU. Default 0.3.')).toBe('0.3');
    expect(statedDefault("Always. Default 'auto'.")).toBe("'auto'");
    expect(statedDefault('Default [720, 1280].')).toBe('[720, 1280]');
    expect(statedDefault('Default false: ids 1..n.')).toBe('false');
    expect(statedDefault('Default performance.now().')).toBeNull();
    expect(literal([720, 1280])).toBe('[720, 1280]');
  });

  it('knows no default for an option it was not told of (a new option must get one)', () => {
    expect(() => defaultOf('colour')).toThrow(/no default is known for the option colour/);
  });

  it('fails on a generated section the code does not make', () => {
    expect(() => render('<!-- generated:nothing -->\n<!-- /generated:nothing -->')).toThrow(/does not make/);
  });
});
