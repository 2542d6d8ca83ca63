/**
 * The engine's own thread: it hosts one Engine (engine.ts) and answers the page's requests
 * (protocol.ts). TF.js (WebGPU, or WebGL through an OffscreenCanvas) and MediaPipe run here, so
 * shader compilation, model warm-up and inference never block the page.
 */
import { EngineError } from '../api';
import { Engine } from '../engine';
import { errorMessage } from '../errorMessage';
import { type EngineReply, type EngineRequest, transferables } from './protocol';
import { RequestGuard } from './requestGuard';

const scope = self as unknown as { postMessage(m: EngineReply, t?: Transferable[]): void; onmessage: ((e: MessageEvent<EngineRequest>) => void) | null };
let engine: Engine | null = null;
// Nothing leaves but the requests for the engine's own files (requestGuard.ts says why).
const guard = new RequestGuard(self);
guard.install();

function reply(message: EngineReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function handle(req: EngineRequest): Promise<unknown> {
  if (req.op === 'create') {
    if (engine) throw new EngineError('engine', 'the engine is already created');
    guard.allow(req.config.modelUrl, req.config.tfjsWasmBase, req.config.detector.wasmBase, req.config.detector.modelUrl);
    engine = await Engine.create(req.config, (progress) => reply({ id: req.id, kind: 'progress', progress }));
    return engine.status;
  }
  if (req.op === 'dispose') {
    await engine?.dispose();
    engine = null;
    return null;
  }
  if (!engine) {
    if (req.op === 'analyse' || req.op === 'explain') req.image.close();
    throw new EngineError('engine', 'the engine is not ready');
  }
  switch (req.op) {
    case 'analyse':
      return engine.analyse(req.image, req.kind, req.partial ? (value) => reply({ id: req.id, kind: 'partial', value }, transferables(value)) : undefined);
    case 'explain':
      return engine.explain(req.image, req.crop, req.roll, req.target);
    case 'setModel':
      guard.allow(req.url);
      return engine.setModel(req.url, req.modelId, (progress) => reply({ id: req.id, kind: 'progress', progress }));
    case 'prepare':
      return engine.prepare(req.kind);
    case 'benchmark':
      return engine.benchmark(req.runs);
    case 'memory':
      return engine.memory();
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  handle(req).then(
    (value) => reply({ id: req.id, kind: 'ok', value }, transferables(value)),
    (err: unknown) =>
      reply({ id: req.id, kind: 'error', part: err instanceof EngineError ? err.part : 'engine', message: errorMessage(err), ...(err instanceof EngineError && err.url ? { url: err.url } : {}) }),
  );
};
