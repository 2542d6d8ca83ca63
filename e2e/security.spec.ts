/**
 * The security headers (src/security/csp.ts) as the browser gets them: on the served app, in the
 * build's `_headers` for static hosts, and in effect: another origin cannot frame the app (with
 * `allow="camera"` it could otherwise start the camera under a disguise: clickjacking).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { headersFile, securityHeaders } from '../src/security/csp.ts';
import { BASE } from './support.ts';

const dev = Boolean(process.env.E2E_DEV);
const expected = securityHeaders({ dev });
const APP = `${BASE}/`;

test('the server sends every security header, on the page and on the files it loads', async ({ request }) => {
  for (const path of ['/', '/models/index.json', '/tfjs-wasm/tfjs-backend-wasm-simd.wasm']) {
    const res = await request.get(`${BASE}${path}`);
    expect(res.ok(), path).toBe(true);
    const got = res.headers();
    for (const [name, value] of Object.entries(expected)) expect(got[name.toLowerCase()], `${path}: ${name}`).toBe(value);
  }
  // Served as WebAssembly (nosniff is on), so the engine compiles it while it streams in.
  for (const path of ['/tfjs-wasm/tfjs-backend-wasm-simd.wasm', '/tfjs-wasm/tfjs-backend-wasm.wasm']) {
    expect((await request.get(`${BASE}${path}`)).headers()['content-type'], path).toBe('application/wasm');
  }
});

// Another origin (127.0.0.1 is not localhost to the browser) whose page frames the app with the
// camera allowed. It is a real server on the loopback address, not a page.route fulfilment: Chromium
// gives a fulfilled page no address, and its Local Network Access checks then refuse the frame's
// request to localhost whatever the app's headers say, so the test would pass without them.
let evil: Server;
let EVIL = '';
test.beforeAll(async () => {
  evil = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>prize</title><p>Click to win!</p>
      <iframe id="app" src="${APP}" allow="camera" onload="window.frameLoaded = true"></iframe>`);
  });
  await new Promise<void>((done) => evil.listen(0, '127.0.0.1', done));
  EVIL = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
test.afterAll(() => new Promise<void>((done) => (evil ? evil.close(() => done()) : done())));

/** Opens the other origin's page and waits for the frame's load event (it fires for a refused frame
 *  too, on the browser's error page); `without` strips those headers from the app's answer. */
async function frameFromElsewhere(page: Page, without: string[]) {
  if (without.length) {
    await page.route(APP, async (route) => {
      const res = await route.fetch();
      const headers = { ...res.headers() };
      for (const name of without) delete headers[name.toLowerCase()];
      await route.fulfill({ response: res, headers });
    });
  }
  // How the frame's request for the app ends: the browser's error text, or undefined when it loaded.
  const outcome = new Promise<string | undefined>((settle) => {
    page.on('requestfailed', (r) => void (r.url() === APP && settle(r.failure()?.errorText ?? 'failed')));
    page.on('requestfinished', (r) => void (r.url() === APP && settle(undefined)));
  });
  await page.goto(EVIL);
  const failure = await outcome;
  await page.waitForFunction(() => (window as { frameLoaded?: boolean }).frameLoaded === true);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  expect(frame).toBeDefined();
  return { frame: frame!, failure, root: page.frameLocator('#app').locator('#root') };
}

for (const [name, without] of [
  ['both', []],
  ['X-Frame-Options alone', ['Content-Security-Policy']],
  ["frame-ancestors 'none' alone", ['X-Frame-Options']],
] as const) {
  test(`another origin cannot frame the app (clickjacking): ${name}`, async ({ page }) => {
    const { frame, failure, root } = await frameFromElsewhere(page, [...without]);
    expect(failure).toBe('net::ERR_BLOCKED_BY_RESPONSE'); // the app answered, and its headers said no
    expect(frame.url()).not.toBe(APP);
    await expect(root).toHaveCount(0);
  });
}

test('control: without both headers the same page does frame the app', async ({ page }) => {
  // Shows that the tests above fail for the right reason: it is the headers that stop the frame.
  const { frame, failure, root } = await frameFromElsewhere(page, ['X-Frame-Options', 'Content-Security-Policy']);
  expect(failure).toBeUndefined();
  expect(frame.url()).toBe(APP);
  await expect(root).toBeAttached();
});

test('the build ships the same headers for static hosts (dist/_headers)', () => {
  test.skip(dev, 'E2E_DEV=1 serves the sources with `vite dev`: no dist/ is built, so there is no _headers file to check');
  const file = join(import.meta.dirname, '..', 'dist', '_headers');
  expect(existsSync(file)).toBe(true);
  const text = readFileSync(file, 'utf8');
  const build = securityHeaders({ dev: false });
  expect(text).toBe(headersFile(build));
  // Parsed the way Netlify and Cloudflare Pages read it: one path, then indented "Name: value" lines.
  const [path, ...lines] = text.trimEnd().split('\n');
  expect(path).toBe('/*');
  expect(Object.fromEntries(lines.map((l) => /^\s+([^:]+):\s*(.*)$/.exec(l)!.slice(1, 3)))).toEqual(build);
});
