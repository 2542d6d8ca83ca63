import { describe, expect, it } from 'vitest';
import type { Analysis, EngineConfig } from './api';
import { RemoteEngine } from './remote';
import type { EngineReply, EngineRequest } from './worker/protocol';

/** A worker stand-in that answers as engine.worker.ts does: a photo's first result, then the final one. */
class FakeWorker {
  onmessage: ((e: MessageEvent<EngineReply>) => void) | null = null;
  onerror: unknown = null;
  onmessageerror: unknown = null;
  readonly asked: EngineRequest[] = [];
  postMessage(req: EngineRequest) {
    this.asked.push(req);
    const answer = (reply: EngineReply) => queueMicrotask(() => this.onmessage?.({ data: reply } as MessageEvent<EngineReply>));
    if (req.op === 'create') return answer({ id: req.id, kind: 'ok', value: { backend: 'wasm' } });
    if (req.op === 'analyse') {
      if (req.partial) answer({ id: req.id, kind: 'partial', value: { count: 1 } as Analysis });
      answer({ id: req.id, kind: 'ok', value: { count: 2 } });
    }
  }
  terminate() {}
}

const image = () => ({ close() {} }) as unknown as ImageBitmap;

describe('RemoteEngine', () => {
  it("passes a photo's first result to the caller before the final one, and asks for it only when someone listens", async () => {
    const worker = new FakeWorker();
    const engine = await RemoteEngine.create(
      {} as EngineConfig,
      () => undefined,
      () => worker as unknown as Worker,
    );
    const seen: number[] = [];
    const final = await engine.analyse(image(), 'photo', (a) => seen.push(a.count));
    expect(seen).toEqual([1]);
    expect(final.count).toBe(2);
    await engine.analyse(image(), 'photo');
    const asks = worker.asked.filter((r) => r.op === 'analyse');
    expect(asks.map((r) => r.partial === true)).toEqual([true, false]);
  });
});
