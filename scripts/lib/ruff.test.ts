/** ruff through its WebAssembly build: it finds what the ruff command finds, with the settings of ruff.toml. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, readRuffSettings, ruffCheck } from './ruff.ts';
import { scratchDir } from './scratch.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SETTINGS = readRuffSettings(join(ROOT, 'ruff.toml'));

const scratch = (files: Record<string, string>) => scratchDir('ruff-', files);

describe('ruff', () => {
  it("finds an unused import, a loop variable a closure does not bind and a call in a default, each where it is, with the repository's settings", () => {
    const root = scratch({
      'a.py': 'import os\nimport sys  # noqa: F401\n\n\ndef make():\n    return 1\n\n\ndef f(x=make()):\n    return x\n',
      'b.py': 'fns = []\nfor i in range(3):\n    fns.append(lambda: i)\n',
      'clean.py': 'def g(x):\n    return x + 1\n',
    });
    const found = ruffCheck(root, ['a.py', 'b.py', 'clean.py'], SETTINGS);
    expect(found.map((f) => [f.file, f.line, f.code])).toEqual([
      ['a.py', 1, 'F401'],
      ['a.py', 9, 'B008'],
      ['b.py', 3, 'B023'],
    ]);
    expect(formatFinding(found[0]!)).toBe('a.py:1:8: F401 `os` imported but unused');
  });

  it('reads the rules from the settings: what is not selected is not reported', () => {
    const root = scratch({ 'a.py': 'import os\n' });
    expect(ruffCheck(root, ['a.py'], { lint: { select: ['B'] } })).toEqual([]);
    expect(ruffCheck(root, ['a.py'], { lint: { select: ['F'] } }).map((f) => f.code)).toEqual(['F401']);
  });

  it('a file that does not parse is a finding, not a pass', () => {
    const root = scratch({ 'bad.py': 'def f(:\n' });
    expect(ruffCheck(root, ['bad.py'], SETTINGS).length).toBeGreaterThan(0);
  });
});
