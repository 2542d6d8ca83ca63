/**
 * The library's reference in docs/library.md, made from the code: every option with its default,
 * every method, every field of the status and the results, every event and error part, the exports,
 * and the model the package ships. Each table sits between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`; the prose around them is written by hand.
 *
 * Read from the sources the package's declarations are emitted from (tsc -p tsconfig.lib.json keeps
 * their doc comments), the defaults from library/defaults.ts, the model from models/catalog.json
 * and the model's own card. scripts/library-docs.test.ts fails when the page and the code differ;
 * e2e/library.spec.ts checks the packed .d.ts against the same names.
 *
 *   npx tsx scripts/library-docs.ts           rewrite the tables of docs/library.md
 *   npx tsx scripts/library-docs.ts --check   exit 1 if they are out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ASSET_PATHS, DEFAULT_MODEL_ID } from '../src/engine/assets.ts';
import { DEFAULT_ANALYSE_OPTIONS, DEFAULT_ENGINE_OPTIONS, RESULT_FORMAT } from '../src/engine/library/defaults.ts';

const ROOT = join(import.meta.dirname, '..');
export const DOC = join(ROOT, 'docs/library.md');
const ENGINE = join(ROOT, 'src/engine');
export const SOURCES = {
  types: join(ENGINE, 'library/types.ts'),
  api: join(ENGINE, 'api.ts'),
  tracker: join(ENGINE, 'tracker.ts'),
  index: join(ENGINE, 'index.ts'),
};

/** A member of an interface: a property (possibly of a nested object type, as `parent.child`) or a method. */
export interface Member {
  name: string;
  kind: 'property' | 'method';
  optional: boolean;
  /** The type as written (a method's whole signature). */
  type: string;
  /** Its doc comment, as one line. */
  doc: string;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function docOf(node: ts.Node): string {
  const parts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '');
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function declaration(source: ts.SourceFile, name: string): ts.InterfaceDeclaration | ts.TypeAliasDeclaration {
  const found = source.statements.find((s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name);
  if (!found) throw new Error(`${name} is not declared in ${source.fileName}`);
  return found;
}

/** Type text on one line, as the source writes it (the .d.ts breaks object types over lines, with semicolons). */
function oneLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/;\s*}/g, ' }')
    .replace(/{\s+/g, '{ ')
    .replace(/;\s+(?=\w)/g, '; ');
}

function membersOf(elements: readonly ts.TypeElement[], source: ts.SourceFile, prefix = ''): Member[] {
  return elements.flatMap((m): Member[] => {
    if (!m.name || !(ts.isPropertySignature(m) || ts.isMethodSignature(m))) return [];
    const name = `${prefix}${m.name.getText(source)}`;
    const optional = m.questionToken !== undefined;
    const doc = docOf(m);
    if (ts.isMethodSignature(m)) {
      const params = m.parameters.map((p) => oneLine(p.getText(source))).join(', ');
      const generics = m.typeParameters ? `<${m.typeParameters.map((t) => t.getText(source)).join(', ')}>` : '';
      return [{ name, kind: 'method', optional, type: `${m.name.getText(source)}${generics}(${params}): ${oneLine(m.type?.getText(source) ?? 'void')}`, doc }];
    }
    // A nested object type (detector: { minScore }) is an 'object', listed field by field under its own row.
    const nested = m.type !== undefined && ts.isTypeLiteralNode(m.type);
    const own: Member = { name, kind: 'property', optional, type: nested ? 'object' : oneLine(m.type?.getText(source) ?? 'unknown'), doc };
    if (m.type && ts.isTypeLiteralNode(m.type)) return [own, ...membersOf(m.type.members, source, `${name}.`)];
    return [own];
  });
}

/** The members of interface `name` in `file` (those it extends not included). */
export function members(file: string, name: string): Member[] {
  const source = parse(file);
  const decl = declaration(source, name);
  const elements = ts.isInterfaceDeclaration(decl) ? decl.members : ts.isTypeLiteralNode(decl.type) ? decl.type.members : [];
  return membersOf(elements, source);
}

/** The string literals of a union type alias (`type FailedPart = 'backend' | …`). */
export function literals(file: string, name: string): string[] {
  const decl = declaration(parse(file), name);
  if (!ts.isTypeAliasDeclaration(decl) || !ts.isUnionTypeNode(decl.type)) throw new Error(`${name} is not a union`);
  return decl.type.types.flatMap((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : []));
}

/** The variants of a union of object types, each as its fields (`EngineProgress`). */
export function variants(file: string, name: string): Member[][] {
  const source = parse(file);
  const decl = declaration(source, name);
  if (!ts.isTypeAliasDeclaration(decl) || !ts.isUnionTypeNode(decl.type)) throw new Error(`${name} is not a union`);
  return decl.type.types.filter(ts.isTypeLiteralNode).map((t) => membersOf(t.members, source));
}

/** Every name a module exports with `export { … }` (index.ts, or its declarations). */
export function allExportedNames(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^export (?:type )?\{([^}]+)\}/gm)].flatMap((m) =>
    (m[1] as string)
      .split(',')
      .map((n) => n.trim().replace(/^type\s+/, ''))
      .filter(Boolean),
  );
}

/** The names index.ts exports between two of its section comments ("// ---- The library", "// ---- Building blocks"). */
export function exportedNames(section: 'library' | 'building blocks', file: string = SOURCES.index): string[] {
  const text = readFileSync(file, 'utf8');
  const [library, blocks] = text.split(/^\/\/ ---- Building blocks.*$/m);
  const part = (section === 'library' ? library?.split(/^\/\/ ---- The library.*$/m)[1] : blocks) ?? '';
  return [...part.matchAll(/^export (?:type )?\{([^}]+)\}/gm)].flatMap((m) =>
    (m[1] as string)
      .split(',')
      .map((n) => n.trim().replace(/^type\s+/, ''))
      .filter(Boolean),
  );
}

/** Where the documented types are: the sources by default; the package's .d.ts files check the same tables. */
export type Sources = typeof SOURCES;

/** A default as a reader would type it. */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  return String(value);
}

/** A doc comment without its "Default …" sentence (the table has a column for it). */
export function withoutDefault(doc: string): string {
  return doc.replace(/\s*Defaults?\b[^]*?\.(?=\s+[A-Z`'(]|\s*$)/g, '').trim();
}

/** The literal a doc comment gives as its default ("Default 0.3.", "Default 'wasm': …"), if it gives one. */
export function statedDefault(doc: string): string | null {
  const m = /\bDefault:? ('[^']*'|\[[^\]]*\]|-?\d+(?:\.\d+)?|true|false)(?=[.:;,)\s]|$)/.exec(doc);
  return m ? (m[1] as string) : null;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${cell(s)}\``;

/** The default of an EngineOptions / AnalyseOptions field, from the code. */
export function defaultOf(option: string): string {
  if (option === 'assetsUrl') return 'none: required';
  if (option === 'modelUrl') return code(`<assetsUrl>/${ASSET_PATHS.models}${DEFAULT_MODEL_ID}/model.json`);
  if (option === 'onProgress') return 'none';
  if (option === 'time') return 'the time of the call (`performance.now()`)';
  if (option === 'detector' || option === 'tracker') return 'below';
  const path = option.split('.');
  let value: unknown = option in DEFAULT_ANALYSE_OPTIONS ? DEFAULT_ANALYSE_OPTIONS : DEFAULT_ENGINE_OPTIONS;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  if (value === undefined) throw new Error(`no default is known for the option ${option}: give it one in library/defaults.ts (or say here what it is)`);
  return code(literal(value));
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The engine options: EngineOptions' fields, the detector's and the tracker's under theirs. */
function optionRows(files: Sources): Member[] {
  const tracker = members(files.tracker, 'TrackerOptions').map((m) => ({ ...m, name: `tracker.${m.name}`, optional: true }));
  return members(files.types, 'EngineOptions').flatMap((m) => (m.name === 'tracker' ? [m, ...tracker] : [m]));
}

/** Every generated section, by name, read from `files`. */
export function sections(files: Sources = SOURCES): Record<string, string> {
  const fields = (list: Member[]) =>
    table(
      ['field', 'type', 'what'],
      list.map((m) => [code(m.name + (m.optional ? '?' : '')), code(m.type), cell(m.doc)]),
    );
  const card = JSON.parse(readFileSync(join(ROOT, 'models', DEFAULT_MODEL_ID, 'model.json'), 'utf8')) as { userDefinedMetadata?: { resemote?: { name?: string; weightBytes?: number } } };
  const meta = card.userDefinedMetadata?.resemote ?? {};
  const variantsRows = variants(files.api, 'EngineProgress').map((fs) => {
    const stage = fs.find((f) => f.name === 'stage')?.type ?? '';
    return [
      code(stage.replace(/^'|'$/g, '')),
      fs
        .filter((f) => f.name !== 'stage')
        .map((f) => code(`${f.name}: ${f.type}`))
        .join(', ') || '-',
    ];
  });
  return {
    model: `The package ships one emotion model, **${meta.name ?? DEFAULT_MODEL_ID}** (\`${ASSET_PATHS.models}${DEFAULT_MODEL_ID}/\`, ${((meta.weightBytes ?? 0) / 1e6).toFixed(1)} MB of weights), the first of \`models/catalog.json\` and so the app's default too; \`DEFAULT_MODEL_ID\` is \`'${DEFAULT_MODEL_ID}'\`.`,
    options: table(
      ['option', 'type', 'default', 'what'],
      optionRows(files).map((m) => [code(m.name), code(m.type), defaultOf(m.name), cell(withoutDefault(m.doc))]),
    ),
    analyse: table(
      ['option', 'type', 'default', 'what'],
      members(files.types, 'AnalyseOptions').map((m) => [code(m.name), code(m.type), defaultOf(m.name), cell(withoutDefault(m.doc))]),
    ),
    engine: table(
      ['member', 'what'],
      members(files.types, 'EmotionEngine').map((m) => [code(m.kind === 'method' ? m.type : `${m.name}: ${m.type}`), cell(m.doc)]),
    ),
    status: fields([...members(files.api, 'EngineStatus'), ...members(files.types, 'EmotionEngineStatus')]),
    result: `\`format\` is \`'${RESULT_FORMAT}'\` in this version.\n\n${fields(members(files.types, 'EmotionResult'))}`,
    face: fields(members(files.types, 'EmotionFace')),
    explanation: fields(members(files.types, 'EmotionExplanation')),
    events: table(
      ['event', 'listener gets', 'when'],
      members(files.types, 'EngineEventMap').map((m) => [code(m.name), code(m.type), cell(m.doc)]),
    ),
    progress: table(['stage', 'fields'], variantsRows),
    exports: [
      `The library: ${exportedNames('library', files.index).map(code).join(', ')}.`,
      '',
      `Lower-level parts the ResEmote app is built from (public, documented in \`src/engine/index.ts\`, not needed for the library): ${exportedNames('building blocks', files.index).map(code).join(', ')}.`,
    ].join('\n'),
  };
}

/** `markdown` with every generated section replaced by the code's; throws on a section the code does not make. */
export function render(markdown: string, made: Record<string, string> = sections()): string {
  return markdown.replace(/(<!-- generated:([\w-]+) -->)\n(?:[^]*?\n)?(<!-- \/generated:\2 -->)/g, (_all, open: string, name: string, close: string) => {
    const body = made[name];
    if (body === undefined) throw new Error(`docs/library.md has a section "${name}" that scripts/library-docs.ts does not make`);
    return `${open}\n${body}\n${close}`;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const before = readFileSync(DOC, 'utf8');
  const after = render(before);
  if (process.argv.includes('--check')) {
    if (after !== before) {
      console.error('docs/library.md is out of date with the code: npx tsx scripts/library-docs.ts');
      process.exit(1);
    }
  } else if (after !== before) {
    writeFileSync(DOC, after);
    console.log('docs/library.md: generated tables rewritten');
  } else console.log('docs/library.md is up to date');
}
