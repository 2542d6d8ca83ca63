/** Pick a TF.js backend for Node scripts: wasm (SIMD, from the local package) or the pure-JS cpu. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'wasm' | 'cpu';

export async function activateNodeBackend(name: NodeBackend): Promise<string> {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(join(dist, '/'));
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} is not available here`);
  await tf.ready();
  return tf.getBackend();
}
