import { describe, expect, it } from 'vitest';
import { specTimes } from './e2e-times';

const result = (duration: number, status = 'passed', retry = 0) => ({ duration, status, retry });

describe("the end-to-end tests' times", () => {
  it('adds up each spec file (retries counted), largest first, with its slowest test and the tests that were retried', () => {
    const report = {
      stats: { duration: 0, startTime: '', expected: 3, unexpected: 0, flaky: 1 },
      suites: [
        { title: 'a.spec.ts', file: 'a.spec.ts', specs: [{ title: 'quick', file: 'a.spec.ts', tests: [{ results: [result(1000)] }] }] },
        {
          title: 'b.spec.ts',
          file: 'b.spec.ts',
          specs: [{ title: 'slow', file: 'b.spec.ts', tests: [{ results: [result(3000, 'failed'), result(2000, 'passed', 1)] }] }],
          suites: [{ title: 'group', specs: [{ title: 'nested', file: 'b.spec.ts', tests: [{ results: [result(500)] }] }] }],
        },
      ],
    };
    expect(specTimes(report)).toEqual([
      { file: 'b.spec.ts', ms: 5500, tests: 2, slowest: { title: 'slow', ms: 5000 }, retried: ['slow'] },
      { file: 'a.spec.ts', ms: 1000, tests: 1, slowest: { title: 'quick', ms: 1000 }, retried: [] },
    ]);
  });
});
