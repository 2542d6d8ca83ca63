/**
 * Which TF.js backend the app starts on, what it warms beside it, and when a warmed one takes over.
 * Pure: engineHost.ts runs the plan.
 *
 * - The user's pick of WebAssembly runs from the start. A pick of WebGL or WebGPU starts on
 *   WebAssembly too and the picked one takes over once warm, unmeasured (it was asked for); tests
 *   and the bench pin a backend from the very start with `bridgeChoice: false`.
 * - With nothing picked the app starts on WebAssembly: it compiles no shaders, so the first result comes in
 *   about a second, while the GPU backends compile theirs for seconds. Each GPU backend is then
 *   warmed in a second worker, in turn, and takes over only when it measured faster than the one
 *   running by a clear margin (MARGIN); a GPU emulated on the CPU (SwiftShader) or a weak GPU is
 *   not, and WebAssembly stays.
 * - A choice measured on an earlier visit is remembered: WebAssembly starts, and the remembered GPU
 *   backend takes over once warm, without measuring again; a remembered WebAssembly needs nothing.
 * - Where no second engine can run beside the first (the engine on the page's thread), the app
 *   starts on the GPU backend it would have warmed (WebGL first, measured against WebGPU as before).
 */
import { BACKEND_LABEL, type BackendName, type BackendSupportMap, type BenchmarkResult, type GpuBackend, preferredBackend } from '../engine';
import type { MeasuredChoice } from '../state/settings';

/** A warmed backend takes over only when its time is at most this share of the running one's. */
export const MARGIN = 0.85;

export interface Candidate {
  backend: GpuBackend;
  /** true: take over once warm without measuring (the user's pick, or a remembered measurement). */
  trusted: boolean;
  /** Why it took over, for the toggle, when trusted. */
  reason?: string;
}

export interface StartPlan {
  backend: BackendName;
  /** Why, in words for the toggle. */
  reason: string;
  /** Backends to warm beside the running one, one after the other. */
  candidates: Candidate[];
}

const GPUS: readonly GpuBackend[] = ['webgl', 'webgpu'];

export function startingBackend(
  support: BackendSupportMap,
  wanted: BackendName | null,
  measured: MeasuredChoice | null,
  /** Whether a second engine can run beside the first (each in its own worker). */
  beside = true,
  /** false: a picked GPU backend runs from the start, with no WebAssembly bridge (tests' pin). */
  bridgeChoice = true,
): StartPlan {
  const usable = (b: BackendName) => b === 'cpu' || support[b].available;
  if (wanted && usable(wanted)) {
    if (bridgeChoice && beside && usable('wasm') && (wanted === 'webgl' || wanted === 'webgpu')) {
      return {
        backend: 'wasm',
        reason: `serving until your choice, ${BACKEND_LABEL[wanted]}, is warm`,
        candidates: [{ backend: wanted, trusted: true, reason: 'your choice' }],
      };
    }
    return { backend: wanted, reason: 'your choice', candidates: [] };
  }
  const gpus = GPUS.filter(usable);
  if (beside && usable('wasm')) {
    if (measured && usable(measured.backend)) {
      if (measured.backend === 'wasm' || measured.backend === 'cpu') return { backend: 'wasm', reason: `measured on this device earlier: ${measured.reason}`, candidates: [] };
      return {
        backend: 'wasm',
        reason: `ready at once; ${BACKEND_LABEL[measured.backend]} (measured faster here earlier) is warming beside it`,
        candidates: [{ backend: measured.backend, trusted: true, reason: 'measured faster on this device earlier' }],
      };
    }
    if (gpus.length === 0) return { backend: 'wasm', reason: 'no GPU backend is available', candidates: [] };
    return {
      backend: 'wasm',
      reason: `ready at once (no shaders to compile); ${gpus.map((b) => BACKEND_LABEL[b]).join(', then ')} warming beside it`,
      candidates: gpus.map((backend) => ({ backend, trusted: false })),
    };
  }
  // No second engine beside the first: the GPU backend directly, as before WebAssembly.
  if (measured && usable(measured.backend)) return { backend: measured.backend, reason: 'measured on this device earlier', candidates: [] };
  if (support.webgpu.available && support.webgl.available) {
    return { backend: 'webgl', reason: 'ready first; WebGPU is being measured beside it', candidates: beside ? [{ backend: 'webgpu', trusted: false }] : [] };
  }
  const only = preferredBackend(support);
  const reason = only === 'cpu' ? 'no GPU backend is available' : only === 'wasm' ? 'no GPU backend is available' : 'the only GPU backend this browser has';
  return { backend: only, reason, candidates: [] };
}

const figures = (r: BenchmarkResult) => `${BACKEND_LABEL[r.backend]} ${r.oneFaceMs.toFixed(0)}/${r.fourFacesMs.toFixed(0)} ms`;

/**
 * Does `candidate` (warm) take over from `running`? Compared on the sum of a 1-face and a 4-face
 * batch, measured on the same crops; it must be clearly faster (MARGIN), not within noise.
 */
export function handOverVerdict(running: BenchmarkResult, candidate: BenchmarkResult): { takeOver: boolean; reason: string } {
  const mine = running.oneFaceMs + running.fourFacesMs;
  const theirs = candidate.oneFaceMs + candidate.fourFacesMs;
  const both = `${figures(candidate)}, ${figures(running)} for 1/4 faces`;
  return theirs <= mine * MARGIN
    ? { takeOver: true, reason: `measured faster on this device: ${both}` }
    : { takeOver: false, reason: `${BACKEND_LABEL[candidate.backend]} was not faster on this device: ${both}` };
}
