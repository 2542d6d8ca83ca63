import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Every spawn is recorded and none really happens: the refusal must come before vite is started.
const spawned = vi.hoisted(() => [] as string[][]);
vi.mock('node:child_process', () => ({
  spawn: (cmd: string, args: string[]) => {
    spawned.push([cmd, ...args]);
    throw new Error('spawn called');
  },
}));
const { portServed, startPreview } = await import('./preview.ts');

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A plain HTTP server on a free port of 127.0.0.1 (what a preview left running looks like). */
function someoneElse(): Promise<number> {
  server = createServer((_req, res) => res.end('an old build'));
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)));
}

describe('startPreview', () => {
  it('refuses a port another process serves, naming it, before spawning vite', async () => {
    const port = await someoneElse();
    await expect(startPreview(port)).rejects.toThrow(`port ${port} is already served by another process`);
    expect(spawned).toEqual([]);
  });

  it('tells a served port from a free one', async () => {
    const port = await someoneElse();
    expect(await portServed(port)).toBe(true);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    expect(await portServed(port)).toBe(false);
  });
});
