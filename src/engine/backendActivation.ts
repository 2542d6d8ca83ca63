/**
 * Activating a TF.js backend with automatic fallback (the wanted one, the other GPU backend,
 * WebAssembly, then the pure-JS CPU backend, correct but slow), so the engine always runs and says
 * why it is not where it was asked to be. Names, probes and order are in backendSupport.ts
 * (loadable without TF.js).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { AssetError, probeAsset } from './assetCheck';
import { BACKEND_LABEL, type BackendName, type BackendSupportMap, fallbackOrder } from './backendSupport';

export * from './backendSupport';

// Frames reach WebGPU through a copy rather than importExternalTexture: the import fails on some
// adapters (SwiftShader among them), and a 720p copy costs well under a millisecond on a GPU.
tf.env().set('WEBGPU_IMPORT_EXTERNAL_TEXTURE', false);
// WebGL keeps released textures in a pool for reuse, without bound: after a large photo (a 4096 px
// working copy is a 268 MB float texture) the memory stayed held. Above 256 MB of textures in use,
// released ones are deleted instead; a camera stream stays far below that and keeps its pool.
tf.env().set('WEBGL_DELETE_TEXTURE_THRESHOLD', 256 * 1024 * 1024);
// The WebAssembly backend runs single-threaded (SIMD where the browser has it). Its threaded build
// needs a cross-origin-isolated page (COEP) and loads its thread workers' code from blob: URLs,
// which the CSP's script-src 'self' refuses; the app ships neither (docs/privacy.md says why), so
// it must not try the threaded binary even where a host makes the page isolated.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

export interface ActivationResult {
  active: BackendName;
  /** Set when the wanted backend could not start: which one, and why. */
  fallback?: { from: BackendName; reason: string };
}

export interface ActivationOptions {
  /** Folder URL (ending in '/') of tfjs-backend-wasm's .wasm files (assets.ts); without it the
   *  WebAssembly backend is not tried: there is no default location, and never the package's CDN. */
  wasmBase?: string;
  /** TF.js's WebAssembly binary missing or wrong: 'error' (the default) rejects with an AssetError
   *  naming it; 'fall back' goes on to the next backend, the file and what came back in the reason. */
  missingBinary?: 'error' | 'fall back';
}

let wasmPathsSet = false;

/**
 * Why the WebAssembly backend could not start, when its binary is to blame: the one this browser
 * loads, asked for again once the start has failed (no request more on a start that works), with
 * what came back (assetCheck.ts). A missing binary used to read as "initialisation failed", naming
 * no file, before the fallback to WebGL.
 */
async function missingWasmBinary(wasmBase: string): Promise<AssetError | null> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const url = `${wasmBase}${simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm'}`;
  const problem = await probeAsset(url, 'wasm');
  return problem ? new AssetError(`TF.js's WebAssembly binary ${url} could not be loaded: ${problem}`, url) : null;
}

export async function activateBackend(wanted: BackendName, support?: Partial<BackendSupportMap>, options: ActivationOptions = {}): Promise<ActivationResult> {
  const failures: string[] = [];
  for (const name of fallbackOrder(wanted)) {
    const probe = name === 'cpu' ? { available: true } : support?.[name];
    if (probe && !probe.available) {
      failures.push(`${BACKEND_LABEL[name]}: ${probe.reason ?? 'unavailable'}`);
      continue;
    }
    try {
      if (name === 'wasm' && !wasmPathsSet) {
        // Never the package's default (a CDN): the binaries come from where the caller says, like MediaPipe's.
        if (!options.wasmBase) throw new Error('no location was given for its binaries (tfjsWasmBase: see engine/assets.ts)');
        setWasmPaths(options.wasmBase);
        wasmPathsSet = true;
      }
      if (tf.getBackend() !== name || !tf.findBackend(name)) {
        const ok = await tf.setBackend(name);
        if (!ok) throw new Error('initialisation failed');
      }
      await tf.ready();
      return name === wanted ? { active: name } : { active: name, fallback: { from: wanted, reason: failures[0] ?? 'unavailable' } };
    } catch (err) {
      const missing = name === 'wasm' && options.wasmBase ? await missingWasmBinary(options.wasmBase) : null;
      // A missing file is the site's to fix, not a browser's limit: named, and an error unless asked otherwise.
      if (missing && options.missingBinary !== 'fall back') throw missing;
      failures.push(`${BACKEND_LABEL[name]}: ${missing?.message ?? (err as Error).message}`);
    }
  }
  throw new Error(`no TF.js backend could start (${failures.join('; ')})`);
}

/**
 * Shader programs (WebGL) or compute pipelines (WebGPU) TF.js has compiled in this thread so far;
 * 0 on WebAssembly and the CPU backend. Read from the backends' caches (TF.js internals, no public
 * API: binaryCache, pipelineCache), for the bench and the stats; a TF.js without them reads 0.
 */
export function compiledShaders(): number {
  const backend = tf.getBackend();
  if (backend !== 'webgl' && backend !== 'webgpu') return 0;
  const b = tf.backend() as unknown as { binaryCache?: object; pipelineCache?: object };
  const cache = backend === 'webgl' ? b.binaryCache : b.pipelineCache;
  return cache ? Object.keys(cache).length : 0;
}
