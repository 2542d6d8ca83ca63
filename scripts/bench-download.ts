/**
 * What a first visit downloads, counted on the wire (scripts/lib/wire.ts: a proxy in front of the
 * server records every response as sent, whoever asked: the page, the engine's worker, the service
 * worker). A fresh profile opens the app, analyses a 3-face photo, and the count goes on until the
 * service worker is active and nothing has moved for 5 s; then a reload is counted the same way.
 *
 *   npm run bench:download -- [--url http://host:port/] [--port 4180] [--runs 1] [--out file.json]
 *
 * Without --url it builds the app and serves it with `vite preview` on --port. Prints the total,
 * each file's share (bytes on the wire, how many times, its encoding, its size on disk) and any file
 * sent twice. Never fails on a figure: the targets live in docs/speed.md, not here.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config.ts';
import { startPreview } from './lib/browser.ts';
import { downloadedTwice, type WireProxy, type WireRecord, wireBytes, wireProxy } from './lib/wire.ts';

const root = join(import.meta.dirname, '..');
const PHOTO = join(root, 'e2e', 'fixtures', 'group-3.jpg');
const QUIET_MS = 5000;

function options() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      port: { type: 'string', default: '4180' },
      runs: { type: 'string', default: '1' },
      out: { type: 'string' },
      dist: { type: 'string', default: join(root, 'dist') },
    },
  });
  const date = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return { url: values.url, port: Number(values.port), runs: Number(values.runs), out: values.out ?? join(root, 'bench-results', `download-${date}.json`), dist: values.dist };
}

/** Until nothing is in flight and nothing has finished for `QUIET_MS`. */
async function quiet(proxy: WireProxy): Promise<void> {
  let count = -1;
  let since = Date.now();
  for (;;) {
    if (proxy.records.length !== count || proxy.inFlight() > 0) {
      count = proxy.records.length;
      since = Date.now();
    } else if (Date.now() - since >= QUIET_MS) return;
    await new Promise((r) => setTimeout(r, 100)); // polls the proxy's count: a measurement window, not a wait for an app event
  }
}

/** Open (or reload) the app, analyse the photo, wait for the service worker and a quiet wire. */
async function visit(page: Page, proxy: WireProxy, reload: boolean): Promise<WireRecord[]> {
  proxy.reset();
  if (reload) await page.reload();
  else await page.goto(proxy.url);
  await page.getByTestId('tab-photo').click();
  await page.getByTestId('file-input').setInputFiles(PHOTO);
  await page.getByTestId('face-count').filter({ hasText: 'group-3.jpg' }).waitFor({ timeout: 600_000 });
  await page.evaluate(() => navigator.serviceWorker?.ready);
  await quiet(proxy);
  return [...proxy.records];
}

interface FileRow {
  path: string;
  times: number;
  bytes: number;
  encodings: string;
  diskBytes: number | null;
}

function byFile(records: readonly WireRecord[], dist: string): FileRow[] {
  const rows = new Map<string, FileRow>();
  for (const r of records) {
    const path = r.path.split('?')[0]!;
    const file = join(dist, path === '/' ? 'index.html' : path);
    const row = rows.get(path) ?? { path, times: 0, bytes: 0, encodings: '', diskBytes: existsSync(file) && statSync(file).isFile() ? statSync(file).size : null };
    row.times++;
    row.bytes += r.bytes;
    const enc = `${r.status}${r.encoding ? ` ${r.encoding}` : ''}`;
    if (!row.encodings.split(', ').includes(enc)) row.encodings = row.encodings ? `${row.encodings}, ${enc}` : enc;
    rows.set(path, row);
  }
  return [...rows.values()].sort((a, b) => b.bytes - a.bytes);
}

const mb = (n: number) => (n / 1e6).toFixed(2);

function print(label: string, records: WireRecord[], dist: string): void {
  console.log(`\n${label}: ${mb(wireBytes(records))} MB over the wire in ${records.length} responses`);
  console.log('| file | times sent | MB on the wire | status, encoding | MB on disk |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of byFile(records, dist)) console.log(`| ${r.path} | ${r.times} | ${mb(r.bytes)} | ${r.encodings} | ${r.diskBytes === null ? '-' : mb(r.diskBytes)} |`);
  const twice = downloadedTwice(records);
  console.log(twice.length ? `sent more than once: ${twice.map((t) => `${t.path} (${t.times}x, ${mb(t.bytes)} MB)`).join('; ')}` : 'every file sent at most once');
}

async function main() {
  const opts = options();
  let server: Awaited<ReturnType<typeof startPreview>> | null = null;
  let url = opts.url;
  if (!url) {
    execSync('npm run build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    server = await startPreview(opts.port);
    url = server.url;
  }
  const proxy = await wireProxy(url);
  const runs: { first: WireRecord[]; reload: WireRecord[] }[] = [];
  try {
    for (let i = 0; i < opts.runs; i++) {
      const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'allow' });
        const page = await context.newPage();
        const first = await visit(page, proxy, false);
        const reload = await visit(page, proxy, true);
        runs.push({ first, reload });
        console.error(`[download] run ${i + 1}: first visit ${mb(wireBytes(first))} MB, reload ${mb(wireBytes(reload))} MB`);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await proxy.close();
    server?.stop();
  }
  const cpu = cpus();
  console.log(`CPU: ${cpu[0]?.model} x ${cpu.length}; headless Chromium, a fresh profile, service workers allowed; served from ${url}`);
  const last = runs[runs.length - 1]!;
  print('first visit (the app, a 3-face photo analysed, until the service worker is active and the wire is quiet for 5 s)', last.first, opts.dist);
  print('reload (the same, after the first visit)', last.reload, opts.dist);
  if (runs.length > 1) console.log(`\nfirst visit, every run: ${runs.map((r) => mb(wireBytes(r.first))).join(', ')} MB; reload: ${runs.map((r) => mb(wireBytes(r.reload))).join(', ')} MB`);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(
    opts.out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        url,
        cpu: `${cpu[0]?.model} x ${cpu.length}`,
        runs: runs.map((r) => ({ firstBytes: wireBytes(r.first), reloadBytes: wireBytes(r.reload), first: r.first, reload: r.reload })),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nfull results: ${relative(process.cwd(), opts.out)}`);
}

await main();
