/**
 * TF.js backends as the page sees them, without loading TF.js: names, what this browser supports
 * (probes), the preference and fallback order. Activation lives in backendActivation.ts, in the engine.
 *
 * Three real backends: WebAssembly on the CPU (no shaders to compile, so it is ready in well under a
 * second and serves the first results), WebGL and WebGPU (faster on a real GPU once their shaders
 * are compiled, seconds after start). `cpu` is TF.js's pure-JavaScript backend, the last resort.
 */

export type GpuBackend = 'webgpu' | 'webgl';
/** The backends the user can pick (and the app measures). */
export type ChoosableBackend = GpuBackend | 'wasm';
export type BackendName = ChoosableBackend | 'cpu';

export const BACKEND_LABEL: Record<BackendName, string> = { wasm: 'WebAssembly (CPU)', webgl: 'WebGL', webgpu: 'WebGPU', cpu: 'CPU (JavaScript)' };

/** The order the toggle shows them in: the one every browser has first. */
export const CHOOSABLE_BACKENDS: readonly ChoosableBackend[] = ['wasm', 'webgl', 'webgpu'];

export interface BackendSupport {
  available: boolean;
  /** Why not, in words a user can act on. */
  reason?: string;
}

export type BackendSupportMap = Record<ChoosableBackend, BackendSupport>;

export async function probeWebGpu(nav: Navigator = navigator): Promise<BackendSupport> {
  if (!('gpu' in nav) || !nav.gpu) {
    return { available: false, reason: 'This browser has no WebGPU (try a recent Chrome or Edge, or Safari 26+).' };
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'WebGPU is present but no GPU adapter was given (blocklisted GPU or disabled).' };
    return { available: true };
  } catch (err) {
    return { available: false, reason: `WebGPU adapter request failed: ${(err as Error).message}` };
  }
}

export function probeWebGl(doc: Document = document): BackendSupport {
  try {
    const canvas = doc.createElement('canvas');
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return { available: false, reason: 'WebGL is disabled or unsupported in this browser.' };
    (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    return { available: true };
  } catch (err) {
    return { available: false, reason: `WebGL failed: ${(err as Error).message}` };
  }
}

export function probeWasm(env: { WebAssembly?: unknown } = globalThis): BackendSupport {
  const wasm = env.WebAssembly as { validate?: unknown } | undefined;
  if (!wasm || typeof wasm.validate !== 'function') return { available: false, reason: 'This browser has no WebAssembly (or it is disabled).' };
  return { available: true };
}

export async function probeBackends(): Promise<BackendSupportMap> {
  const [webgpu, webgl] = await Promise.all([probeWebGpu(), Promise.resolve(probeWebGl())]);
  return { wasm: probeWasm(), webgl, webgpu };
}

/** The fastest backend this browser is likely to have once warm (a guess; the app measures). */
export function preferredBackend(support: BackendSupportMap): BackendName {
  if (support.webgpu.available) return 'webgpu';
  if (support.webgl.available) return 'webgl';
  if (support.wasm.available) return 'wasm';
  return 'cpu';
}

/**
 * The order to try: the wanted one, then the other GPU backend, then WebAssembly, then the
 * JavaScript CPU backend. Asked for WebAssembly: then WebGL and WebGPU before the JavaScript one.
 */
export function fallbackOrder(wanted: BackendName): BackendName[] {
  const gpus: BackendName[] = wanted === 'webgpu' ? ['webgpu', 'webgl'] : ['webgl', 'webgpu'];
  const order: BackendName[] = wanted === 'wasm' ? ['wasm', ...gpus, 'cpu'] : [wanted, ...gpus, 'wasm', 'cpu'];
  return order.filter((b, i) => order.indexOf(b) === i);
}
