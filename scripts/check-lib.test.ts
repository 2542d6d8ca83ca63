import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationGraph, packageReadme, specifiers } from './check-lib.ts';

describe('check-lib', () => {
  it('finds every module a declaration file refers to', () => {
    const text = "import type { A } from './a';\nexport { B } from '../b.ts';\nexport * from \"./c\";\ntype T = import('./d').D;\n/// <reference types=\"@webgpu/types\" />\n";
    expect(specifiers(text).sort()).toEqual(['../b.ts', './a', './c', './d', '@webgpu/types']);
  });

  it('keeps what the entry reaches and names every package a declaration would need', () => {
    const dir = mkdtempSync(join(tmpdir(), 'check-lib-'));
    try {
      mkdirSync(join(dir, 'lib'));
      writeFileSync(join(dir, 'index.d.ts'), "export { a } from './a';\nexport type { T } from './lib/types.ts';\n");
      writeFileSync(join(dir, 'a.d.ts'), 'export declare const a: number;\n');
      writeFileSync(join(dir, 'lib/types.d.ts'), "import type * as tf from '@tensorflow/tfjs';\nexport type T = tf.Tensor;\nexport type U = import('./gone').U;\n");
      writeFileSync(join(dir, 'unreached.d.ts'), "import '@mediapipe/tasks-vision';\n");
      const { reached, problems } = declarationGraph(join(dir, 'index.d.ts'));
      expect([...reached].map((f) => f.slice(dir.length + 1)).sort()).toEqual(['a.d.ts', 'index.d.ts', 'lib/types.d.ts']);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toContain("needs the package '@tensorflow/tfjs'");
      expect(problems[1]).toContain("'./gone', which has no declaration");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("makes the package's README from the library's reference (docs/library.md), its example and tables, without the page's markers", () => {
    const readme = packageReadme(readFileSync(join(import.meta.dirname, '..', 'docs', 'library.md'), 'utf8'));
    expect(readme.startsWith('# @resemote/engine\n')).toBe(true);
    expect(readme).toContain("import { createEngine } from '@resemote/engine';");
    expect(readme).toContain('npm run build:lib');
    expect(readme).toMatch(/^\| `detector\.minScore` \|/m);
    expect(readme).toMatch(/^## Errors$/m);
    expect(readme).not.toContain('<!--');
    expect(() => packageReadme('# Something else')).toThrow(/does not start with "# @resemote\/engine"/);
  });
});
