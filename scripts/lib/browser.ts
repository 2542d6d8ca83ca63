/** Start the app's Vite dev server, the built app (`vite preview`) and a headless Chromium for Node scripts (calibration, bench, screenshots). */
import { chromium, type Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../playwright.config.ts';

export { startPreview } from './preview.ts';

export async function startDevServer(): Promise<{ server: ViteDevServer; url: string }> {
  // No file watching and no HMR: these pages run long batch jobs (prepare-data, teacher labels,
  // evaluation), and an edit to a source file meanwhile must not reload them mid-job.
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('dev server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] });
}
