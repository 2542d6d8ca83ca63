/**
 * `vite preview` of the built app (dist/) for Node scripts (bench, screenshots). It refuses a port
 * that something already serves (else the script would test whatever build answers there, often an
 * old one left running), and always ends what it started: its whole process group, on stop() and
 * when this Node process exits or is interrupted.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

/** Whether something accepts connections on 127.0.0.1:`port` now. */
export function portServed(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const answer = (served: boolean) => {
      socket.destroy();
      resolve(served);
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.setTimeout(2000, () => answer(false));
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Serve the built app with `vite preview` on `port` and wait until it answers. */
export async function startPreview(port: number): Promise<{ url: string; stop(): void }> {
  const url = `http://127.0.0.1:${port}/`;
  // Before spawning anything: vite's --strictPort would fail too, but only after the wait below
  // had been answered by the other server.
  if (await portServed(port)) throw new Error(`port ${port} is already served by another process (a vite preview left running?): stop it or choose another port`);
  const root = join(import.meta.dirname, '..', '..');
  // Its own process group, so stop() ends vite too, not only the npx wrapper (which left vite
  // serving the port after the bench had finished).
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore', detached: true });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    for (const s of SIGNALS) process.off(s, onSignal);
    try {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
    } catch {
      server.kill(); // the group is gone already (or was never made)
    }
  };
  // A listener replaces Node's default end on a signal: stop, then let the signal end us as it would have.
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', stop);
  for (const s of SIGNALS) process.once(s, onSignal);
  try {
    for (let i = 0; i < 300; i++) {
      if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}) before answering on ${url}`);
      try {
        if ((await fetch(url)).ok) return { url, stop };
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`vite preview did not answer on ${url}`);
  } catch (err) {
    stop();
    throw err;
  }
}
