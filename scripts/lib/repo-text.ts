/**
 * The repository's own text, read as a reader meets it: its files (what .gitignore leaves in), the
 * links and heading anchors of its Markdown, and words that name the project's work process
 * instead of what the project is. Pure apart from the file walk; used by scripts/repository.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One .gitignore line as a test on a repository-relative path (forward slashes). */
function ignoreRule(line: string): ((path: string, isDir: boolean) => boolean) | null {
  const p = line.trim();
  if (!p || p.startsWith('#')) return null;
  if (p.startsWith('!') || /[?[\]]/.test(p) || (p.includes('*') && !/^\*\.[\w.]+$/.test(p))) {
    throw new Error(`.gitignore pattern '${p}' is not one this walk understands: teach scripts/lib/repo-text.ts`);
  }
  const dirOnly = p.endsWith('/');
  const body = p.replace(/\/$/, '');
  if (body.startsWith('*.')) return (path) => path.endsWith(body.slice(1));
  if (body.startsWith('/') || body.includes('/')) {
    const rooted = body.replace(/^\//, '');
    return (path, isDir) => path === rooted && (isDir || !dirOnly);
  }
  return (path, isDir) => path.split('/').at(-1) === body && (isDir || !dirOnly);
}

/** Every file of the repository that git would see (.gitignore honoured; .git and node_modules never entered). */
export function repoFiles(root: string): string[] {
  const gitignore = join(root, '.gitignore');
  const rules = existsSync(gitignore)
    ? readFileSync(gitignore, 'utf8')
        .split('\n')
        .flatMap((l) => ignoreRule(l) ?? [])
    : [];
  const ignored = (path: string, isDir: boolean) => rules.some((rule) => rule(path, isDir));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = join(dir, e.name);
      const path = relative(root, full).split(sep).join('/');
      if (e.name === '.git' || e.name === 'node_modules' || ignored(path, e.isDirectory())) return [];
      return e.isDirectory() ? walk(full) : e.isFile() ? [path] : [];
    });
  return walk(root).sort();
}

/** Markdown with fenced code blocks blanked (lines kept, so line numbers hold). */
function withoutFences(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const m = /^\s*(```|~~~)/.exec(line);
    if (m) {
      if (fence === null) fence = m[1] as string;
      else if (m[1] === fence) fence = null;
      return '';
    }
    return fence === null ? line : '';
  });
}

export interface MarkdownLink {
  target: string;
  line: number;
}

/** Inline links and images, and reference definitions, outside code; absolute URLs left out. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutFences(text).forEach((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, '``');
    const targets = [
      ...[...line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string),
      ...[...line.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1] as string),
    ];
    for (const target of targets) if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ target, line: i + 1 });
  });
  return links;
}

/** GitHub's anchor for a heading's text: lower case, letters, digits, '_', '-' kept, spaces to '-'. */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats numbered -1, -2… as GitHub does) and explicit ids. */
export function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(text)) {
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1] as string);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      found.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(m[1] as string);
  }
  return found;
}

/**
 * Words that name how the project is built rather than what it is: a work item by its number (the
 * word "issue" before a number, also as "issues", "#" or a hyphen), a planning checkpoint ("stop"
 * before a number, or "this" before "stop"), or who asked for it ("its" or "the" before "filer").
 * Text names versions and dates instead (CHANGELOG.md).
 */
const PROCESS_WORDS = /\bissues?[ \t]*#?[ \t]*\d+|\bissue-\d+|\bstops?[ \t]+\d+\b|\bthis[ \t]+stop\b|\b(?:its|the)[ \t]+filer\b/gi;

export function processWords(text: string): { line: number; words: string }[] {
  return text.split('\n').flatMap((line, i) => [...line.matchAll(PROCESS_WORDS)].map((m) => ({ line: i + 1, words: m[0] })));
}

/** The files whose words are read for process words: docs, code, scripts, configs. */
export const TEXT_FILE = /\.(md|ts|tsx|js|mjs|cjs|py|sh|json|html|css|ya?ml|toml|txt)$|^\.ci\/run$/;

/** Process words in every text file of the repository, as `path:line: words`. */
export function processWordsIn(root: string, files = repoFiles(root)): string[] {
  return files.filter((f) => TEXT_FILE.test(f)).flatMap((f) => processWords(readFileSync(join(root, f), 'utf8')).map((hit) => `${f}:${hit.line}: ${hit.words}`));
}

/** Links of the repository's Markdown that point at no file, or at no anchor of the file, as `path:line: target`. */
export function brokenLinks(root: string, files = repoFiles(root)): string[] {
  const texts = new Map<string, string>();
  const read = (f: string) => texts.get(f) ?? texts.set(f, readFileSync(join(root, f), 'utf8')).get(f)!;
  const known = new Set(files);
  const isDir = (p: string) => p === '' || files.some((f) => f.startsWith(`${p}/`));
  const broken: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const { target, line } of markdownLinks(read(file))) {
      const [rawPath = '', anchor] = target.split('#') as [string, string | undefined];
      let path = file;
      if (rawPath) {
        const parts: string[] = rawPath.startsWith('/') ? [] : dir ? dir.split('/') : [];
        for (const part of decodeURIComponent(rawPath).split('/')) {
          if (part === '..') parts.pop();
          else if (part && part !== '.') parts.push(part);
        }
        path = parts.join('/');
        if (!known.has(path) && !isDir(path)) {
          broken.push(`${file}:${line}: ${target} (no such file)`);
          continue;
        }
      }
      if (anchor !== undefined && path.endsWith('.md') && !anchors(read(path)).has(decodeURIComponent(anchor))) {
        broken.push(`${file}:${line}: ${target} (no such heading in ${path})`);
      }
    }
  }
  return broken;
}
