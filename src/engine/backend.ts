/**
 * TF.js backends: what this browser can run (probe), and switching with automatic fallback.
 * WebGPU is preferred where it exists; WebGL next; the pure-JS CPU backend is the last resort
 * (correct but slow), so the app always runs and says why it is not on the GPU.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

// Video frames reach WebGPU through a copy rather than importExternalTexture: the import fails on
// some adapters (SwiftShader among them), and a 720p copy costs well under a millisecond on a GPU.
tf.env().set('WEBGPU_IMPORT_EXTERNAL_TEXTURE', false);

export type GpuBackend = 'webgpu' | 'webgl';
export type BackendName = GpuBackend | 'cpu';

export const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU (JavaScript)' };

export interface BackendSupport {
  available: boolean;
  /** Why not, in words a user can act on. */
  reason?: string;
}

export type BackendSupportMap = Record<GpuBackend, BackendSupport>;

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

export async function probeBackends(): Promise<BackendSupportMap> {
  const [webgpu, webgl] = await Promise.all([probeWebGpu(), Promise.resolve(probeWebGl())]);
  return { webgpu, webgl };
}

export function preferredBackend(support: BackendSupportMap): BackendName {
  if (support.webgpu.available) return 'webgpu';
  if (support.webgl.available) return 'webgl';
  return 'cpu';
}

/** The order to try: the wanted one, then the other GPU backend, then CPU. */
export function fallbackOrder(wanted: BackendName): BackendName[] {
  const order: BackendName[] = [wanted, wanted === 'webgpu' ? 'webgl' : 'webgpu', 'cpu'];
  return order.filter((b, i) => order.indexOf(b) === i);
}

export interface ActivationResult {
  active: BackendName;
  /** Set when the wanted backend could not start: which one, and why. */
  fallback?: { from: BackendName; reason: string };
}

export async function activateBackend(wanted: BackendName, support?: BackendSupportMap): Promise<ActivationResult> {
  const failures: string[] = [];
  for (const name of fallbackOrder(wanted)) {
    const probe = name === 'cpu' ? { available: true } : support?.[name];
    if (probe && !probe.available) {
      failures.push(`${BACKEND_LABEL[name]}: ${probe.reason ?? 'unavailable'}`);
      continue;
    }
    try {
      if (tf.getBackend() !== name || !tf.findBackend(name)) {
        const ok = await tf.setBackend(name);
        if (!ok) throw new Error('initialisation failed');
      }
      await tf.ready();
      return name === wanted ? { active: name } : { active: name, fallback: { from: wanted, reason: failures[0] ?? 'unavailable' } };
    } catch (err) {
      failures.push(`${BACKEND_LABEL[name]}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no TF.js backend could start (${failures.join('; ')})`);
}
