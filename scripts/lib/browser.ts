/** Start the app's Vite dev server, the built app (`vite preview`) and a headless Chromium for Node scripts (calibration, bench, screenshots). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../playwright.config.ts';

export async function startDevServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('dev server has no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...extraArgs] });
}

/** Serve the built app (dist/) with `vite preview` on `port` and wait until it answers. */
export async function startPreview(port: number): Promise<{ url: string; stop(): void }> {
  const root = join(import.meta.dirname, '..', '..');
  // Its own process group, so stop() ends vite too, not only the npx wrapper (which left vite
  // serving the port after the bench had finished).
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}/`;
  const stop = () => {
    try {
      if (server.pid) process.kill(-server.pid);
    } catch {
      server.kill();
    }
  };
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}): is port ${port} taken?`);
    try {
      if ((await fetch(url)).ok) return { url, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`vite preview did not answer on ${url}`);
}
