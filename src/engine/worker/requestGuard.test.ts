import { describe, expect, it } from 'vitest';
import { RequestGuard } from './requestGuard';

function scope() {
  const fetched: string[] = [];
  const s = {
    location: { href: 'https://app.example/assets/engine.worker-x.js', origin: 'https://app.example' },
    fetch: (async (input: RequestInfo | URL) => {
      fetched.push(String(input instanceof Request ? input.url : input));
      return new Response('ok');
    }) as typeof fetch,
  };
  return { s, fetched };
}

describe('RequestGuard', () => {
  it("lets the engine fetch its own files and refuses every other origin (MediaPipe's usage log)", async () => {
    const { s, fetched } = scope();
    const guard = new RequestGuard(s);
    guard.install();
    guard.allow('https://cdn.example/pkg/assets/models/m/model.json', undefined);
    await s.fetch('https://cdn.example/pkg/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm');
    await s.fetch('/assets/mediapipe/face_detector.tflite'); // the worker's own origin, relative
    await s.fetch(new Request('https://app.example/x.bin'));
    await s.fetch('blob:https://app.example/1234');
    await expect(s.fetch('https://odml.pa.googleapis.com/v1/log', { method: 'POST' })).rejects.toThrow(/only its own files/);
    await expect(s.fetch(new URL('http://cdn.example/pkg/x'))).rejects.toThrow(TypeError); // another scheme is another origin
    expect(fetched).toEqual([
      'https://cdn.example/pkg/assets/tfjs-wasm/tfjs-backend-wasm-simd.wasm',
      '/assets/mediapipe/face_detector.tflite',
      'https://app.example/x.bin',
      'blob:https://app.example/1234',
    ]);
    expect(guard.refused).toEqual(['https://odml.pa.googleapis.com/v1/log', 'http://cdn.example/pkg/x']);
  });
});
