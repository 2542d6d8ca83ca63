import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium where it exists (no browser download here); Playwright's own elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
export const chromiumArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // 2 cores, software GPU: one browser at a time keeps timings sane
  // One retry in CI, so a flaky test shows up as flaky in the report; failOnFlakyTests makes it fail
  // the run all the same: a test that passes only on retry is a failing test.
  retries: process.env.CI ? 1 : 0,
  failOnFlakyTests: !!process.env.CI,
  // The JSON report is what scripts/e2e-times.ts reads: each spec file's share of the run.
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    // The service worker (offline app) is tested in pwa.spec.ts; elsewhere it would serve cached
    // files around the routes a test sets up.
    serviceWorkers: 'block',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  webServer: {
    // The built app, as users get it (npm run build runs the type check and prepares the assets);
    // E2E_DEV=1 runs the same tests against the dev server.
    command: process.env.E2E_DEV ? `npx tsx scripts/prepare-assets.ts && npx vite --port ${port} --strictPort` : `npm run build && npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 600_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
