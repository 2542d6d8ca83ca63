/**
 * The messages between the page and the engine worker: requests carry an id, replies answer it
 * (ok with a value, or an error with the part that failed); progress messages, and a photo's first
 * result, share the id of the request they report on. Images go in transferred (ImageBitmap, or a camera's VideoFrame), results come back as typed
 * arrays (transferred too): nothing is copied.
 */
import type { Analysis, AnalysisKind, EngineConfig, EngineProgress, FailedPart } from '../api';

export type EngineRequest =
  | { id: number; op: 'create'; config: EngineConfig }
  | { id: number; op: 'analyse'; image: ImageBitmap | VideoFrame; kind: AnalysisKind; partial?: boolean }
  | { id: number; op: 'explain'; image: ImageBitmap; crop: { x: number; y: number; width: number; height: number }; roll?: number; target?: number }
  | { id: number; op: 'setModel'; url: string; modelId: string }
  | { id: number; op: 'prepare'; kind: 'photo' }
  | { id: number; op: 'benchmark'; runs: number }
  | { id: number; op: 'memory' }
  | { id: number; op: 'dispose' };

export type EngineReply =
  | { id: number; kind: 'ok'; value: unknown }
  | { id: number; kind: 'error'; part: FailedPart; message: string; url?: string }
  | { id: number; kind: 'progress'; progress: EngineProgress }
  /** A photo's first result (the whole photo's faces), before the reply with the final one. */
  | { id: number; kind: 'partial'; value: Analysis };

/** The typed arrays of a value, to transfer rather than copy. */
export function transferables(value: unknown): Transferable[] {
  if (!value || typeof value !== 'object') return [];
  return Object.values(value as Record<string, unknown>).flatMap((v) => (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer ? [v.buffer] : []));
}
