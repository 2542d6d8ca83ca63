/** `npm run test:py`: run the training toolkit's Python with the first interpreter that has PyTorch. */
import { spawnSync } from 'node:child_process';
import { findTorchPython } from './lib/python.ts';

const python = findTorchPython();
if (!python) {
  console.error('no Python 3 with torch, numpy and Pillow: on Debian `apt-get install python3-torch python3-torchvision python3-pytest python3-matplotlib`, or set RESEMOTE_PYTHON');
  process.exit(1);
}
const r = spawnSync(python, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
