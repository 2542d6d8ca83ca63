/** Find a Python 3 with PyTorch for the tests that generate fixtures with the training toolkit. */
import { spawnSync } from 'node:child_process';

export function findTorchPython(): string | null {
  const candidates = [process.env.RESEMOTE_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean) as string[];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch, PIL, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

export function runPython(args: string[], cwd?: string): string {
  const python = findTorchPython();
  if (!python) {
    throw new Error('no Python 3 with torch, numpy and Pillow found: install them (Debian: apt-get install python3-torch python3-pil python3-numpy) or set RESEMOTE_PYTHON');
  }
  const r = spawnSync(python, args, { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${python} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
