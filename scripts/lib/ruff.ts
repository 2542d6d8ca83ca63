/**
 * ruff, the Python linter, through its WebAssembly build (@astral-sh/ruff-wasm-nodejs, from the npm
 * registry): the same rules and `# noqa` comments as the ruff command, read from the same ruff.toml.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';
import { parse } from 'smol-toml';

export interface RuffFinding {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
}

/** The settings in a ruff.toml, as the ruff command reads them (the WebAssembly build takes the same keys). */
export function readRuffSettings(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8'));
}

/** Every finding in `files` (paths relative to `root`), in file order then line order. */
export function ruffCheck(root: string, files: readonly string[], settings: Record<string, unknown>): RuffFinding[] {
  const workspace = new Workspace(settings, PositionEncoding.Utf16);
  try {
    return files.flatMap((file) =>
      (workspace.check(readFileSync(join(root, file), 'utf8')) as Diagnostic[])
        .map((d) => ({ file, line: d.start_location.row, column: d.start_location.column, code: d.code ?? 'syntax', message: d.message }))
        .sort((a, b) => a.line - b.line || a.column - b.column),
    );
  } finally {
    workspace.free();
  }
}

export const formatFinding = (f: RuffFinding) => `${f.file}:${f.line}:${f.column}: ${f.code} ${f.message}`;
