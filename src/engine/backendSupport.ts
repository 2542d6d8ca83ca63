/**
 * TF.js backends as the page sees them, without loading TF.js: names, what this browser supports
 * (probes), the preference and fallback order. Activation lives in backendActivation.ts, in the engine.
 */

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

