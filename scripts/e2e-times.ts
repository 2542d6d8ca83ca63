/**
 * Where the end-to-end tests spend their time: every `npm run test:e2e` writes Playwright's JSON
 * report to test-results/e2e-report.json; this prints each spec file's share of it, largest first,
 * with its slowest test and any test that needed a retry.
 *
 *   npx tsx scripts/e2e-times.ts [test-results/e2e-report.json]
 */
import { readFileSync } from 'node:fs';

interface Result {
  duration: number;
  status: string;
  retry: number;
}
interface Spec {
  title: string;
  file: string;
  tests: { results: Result[] }[];
}
interface Suite {
  title: string;
  file?: string;
  specs?: Spec[];
  suites?: Suite[];
}
interface Report {
  suites: Suite[];
  stats: { duration: number; startTime: string; expected: number; unexpected: number; flaky: number };
}

export interface SpecTime {
  file: string;
  ms: number;
  tests: number;
  slowest: { title: string; ms: number };
  retried: string[];
}

/** Per spec file: its tests' time (every try counted), its slowest test, the tests run more than once. */
export function specTimes(report: Report): SpecTime[] {
  const byFile = new Map<string, SpecTime>();
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? []) {
      const entry = byFile.get(spec.file) ?? { file: spec.file, ms: 0, tests: 0, slowest: { title: '', ms: 0 }, retried: [] };
      for (const t of spec.tests) {
        const ms = t.results.reduce((a, r) => a + r.duration, 0);
        entry.ms += ms;
        entry.tests++;
        if (ms > entry.slowest.ms) entry.slowest = { title: spec.title, ms };
        if (t.results.length > 1) entry.retried.push(spec.title);
      }
      byFile.set(spec.file, entry);
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  for (const s of report.suites) walk(s);
  return [...byFile.values()].sort((a, b) => b.ms - a.ms);
}

const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? 'test-results/e2e-report.json';
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const times = specTimes(report);
  const total = times.reduce((a, t) => a + t.ms, 0);
  console.log(
    `${report.stats.expected} passed, ${report.stats.unexpected} failed, ${report.stats.flaky} flaky; ${min(report.stats.duration)} wall (${min(total)} in tests), started ${report.stats.startTime}`,
  );
  for (const t of times) {
    console.log(
      `${min(t.ms).padStart(9)} ${((100 * t.ms) / total).toFixed(0).padStart(3)} %  ${t.file} (${t.tests} tests; slowest ${min(t.slowest.ms)}: ${t.slowest.title})${t.retried.length ? `  RETRIED: ${t.retried.join('; ')}` : ''}`,
    );
  }
}
