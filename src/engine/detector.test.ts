import { describe, expect, it } from 'vitest';
import { isRuntimeChatter } from './detector';

describe('detector runtime logs', () => {
  it('routes the wasm runtime\'s own diagnostics to debug and keeps real errors', () => {
    expect(isRuntimeChatter('INFO: Created TensorFlow Lite XNNPACK delegate for CPU.')).toBe(true);
    expect(isRuntimeChatter('I1128 17:52:53.808999 2172416 gl_context.cc:408] GL version: 3.0')).toBe(true);
    expect(isRuntimeChatter('W1128 17:54:19.545999 2172416 inference_feedback_manager.cc:121] Feedback manager')).toBe(true);
    expect(isRuntimeChatter('E1128 17:54:19.545999 1 graph.cc:1] Graph failed')).toBe(false);
    expect(isRuntimeChatter('Aborted(OOM)')).toBe(false);
  });
});
