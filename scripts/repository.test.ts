/**
 * The repository as a reader meets it: every relative link and anchor in its Markdown leads
 * somewhere, and its text says what the project is (versions, dates) rather than how its work was
 * organised (work-item numbers, planning checkpoints).
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, brokenLinks, markdownLinks, processWords, processWordsIn, repoFiles, slug } from './lib/repo-text.ts';
import { scratchDir } from './lib/scratch.ts';

const ROOT = resolve(import.meta.dirname, '..');

const scratch = (files: Record<string, string>) => scratchDir('repo-text-', files);

describe('Markdown links', () => {
  it('every relative link and anchor in every Markdown file of the repository resolves', () => {
    const files = repoFiles(ROOT);
    expect(files.filter((f) => f.endsWith('.md')).length).toBeGreaterThan(10);
    expect(files).toContain('README.md');
    expect(files.some((f) => f.startsWith('node_modules/') || f.startsWith('dist/'))).toBe(false);
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });

  it('the check finds a missing file, a missing anchor and a link out of a folder, and lets good links through', () => {
    const root = scratch({
      '.gitignore': 'node_modules/\n/build/\n*.log\n',
      'README.md':
        '# Top\n\n## Run it: `npm start` (2–4 s)\n\n[ok](docs/a.md#speed-today) [ok](#run-it-npm-start-24-s) [ok](docs/) ![img](docs/pic.png)\n[gone](docs/b.md) [bad anchor](docs/a.md#nowhere)\n`[not a link](x.md)`\n\n```\n[in code](y.md)\n```\n[ext](https://example.com/z.md)\n[ref]: docs/c.md\n',
      'docs/a.md': '# A\n\n## Speed, today\n\n[up](../README.md#top) [up, wrong](../README.md#bottom) [self](#a)\n',
      'docs/pic.png': '',
      'build/out.md': '[gone](nothing.md)\n',
    });
    try {
      expect(brokenLinks(root)).toEqual([
        'README.md:6: docs/b.md (no such file)',
        'README.md:6: docs/a.md#nowhere (no such heading in docs/a.md)',
        'README.md:13: docs/c.md (no such file)',
        'docs/a.md:5: ../README.md#bottom (no such heading in README.md)',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("anchors are GitHub's: punctuation dropped, spaces to hyphens, repeats numbered", () => {
    expect(slug('4.5 Eye-level alignment: the test, written before its runs')).toBe('45-eye-level-alignment-the-test-written-before-its-runs');
    expect(slug('4.3 Teachers on the same folds (`training/soft_labels.py --report`)')).toBe('43-teachers-on-the-same-folds-trainingsoft_labelspy---report');
    expect(slug("The cold start's long task, ≤ 100 ms × 12 – [link](x.md)")).toBe('the-cold-starts-long-task--100-ms--12--link');
    expect([...anchors('# A\n## Notes\n### Notes\n```\n# not a heading\n```\n<a id="here"></a>\n')]).toEqual(['a', 'notes', 'notes-1', 'here']);
    expect(markdownLinks('[a](b.md "title") [c](<d e.md>) [f](mailto:x@y) [g](#h)').map((l) => l.target)).toEqual(['b.md', '#h']);
  });
});

describe('the project names versions and dates, not its own process', () => {
  it('no text file of the repository names a work item, a planning checkpoint or who filed it', () => {
    expect(processWordsIn(ROOT)).toEqual([]);
  });

  it('the scan catches each way of naming the process, in any text file git sees, and lets ordinary words through', () => {
    // Written with '_' for a space and '~' for a hyphen, so this file passes its own scan.
    const plant = (s: string) => s.replace(/_/g, ' ').replace(/~/g, '-');
    const planted = ['see issue_12', 'Issues_8~11', 'fixed in issue_#3', 'the issue~7 recipe', 'the default since stop_29', 'Stop_27: results', 'tried this_stop', 'measured by its_filer'].map(plant);
    for (const text of planted) expect(processWords(`ok\n${text}\n`), text).toEqual([{ line: 2, words: expect.any(String) }]);
    const ordinary = ['Stop the camera', 'ctx.addColorStop(0, c)', 'the recording stops two frames later', 'tissue 12', 'an issue with Safari', 'a stop-gap of 2 s', 'the stop button'];
    for (const text of ordinary) expect(processWords(text), text).toEqual([]);
    const root = scratch({
      '.gitignore': '/runs/\n',
      '.ci/run': plant('#!/usr/bin/env bash\n# issue_12\n'),
      'src/a.ts': plant('// since stop_29\nexport const a = 1;\n'),
      'docs/b.md': 'Fine.\n',
      'runs/log.md': plant('issue_12\n'),
      'node_modules/x/README.md': plant('issue_12\n'),
      'model.bin': plant('issue_12'),
    });
    try {
      expect(processWordsIn(root)).toEqual([plant('.ci/run:2: issue_12'), plant('src/a.ts:1: stop_29')]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
