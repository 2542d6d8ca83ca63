import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppException, errors } from '../state/errors';
import type { FrameResult } from '../engine/faces';
import { resetStore, useStore } from '../state/store';
import type { EngineHost } from './engineHost';
import { PhotoSession } from './photos';

/** ImageBitmap and createImageBitmap stand-ins: a photo "decodes" to a bitmap of its byte size. */
class FakeBitmap {
  closed = false;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly tag: string,
  ) {}
  close() {
    this.closed = true;
  }
}
const bitmaps: FakeBitmap[] = [];
Object.assign(globalThis, {
  createImageBitmap: async (src: Blob | FakeBitmap) => {
    const b = src instanceof FakeBitmap ? new FakeBitmap(src.width, src.height, src.tag) : new FakeBitmap(640, 480, (src as File).name);
    bitmaps.push(b);
    return b;
  },
});

const jpeg = (name: string) => new File([Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 2])], name, { type: 'image/jpeg' });
const result = (tag: string): FrameResult => ({ width: 640, height: 480, faces: [], timings: { detectMs: 0, classifyMs: 0, totalMs: 0 }, time: 0, model: tag, backend: 'webgl', tensors: 0 });

/** A host whose analyses finish when the test says so. */
function fakeHost() {
  const pending: { tag: string; resolve(): void; reject(e: unknown): void }[] = [];
  const host = {
    // The source stays the caller's (the host sends the engine its own copy).
    analyse: (image: FakeBitmap) =>
      new Promise<FrameResult>((resolve, reject) => {
        pending.push({ tag: image.tag, resolve: () => resolve(result(image.tag)), reject });
      }),
  } as unknown as EngineHost;
  return { host, pending };
}
const tick = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

/** Every session a test makes is disposed after it (each listens to the store for model switches). */
const made: PhotoSession[] = [];
const track = (s: PhotoSession) => (made.push(s), s);
beforeEach(() => {
  resetStore();
  bitmaps.length = 0;
});
afterEach(() => {
  for (const s of made.splice(0)) s.dispose();
});

describe('PhotoSession', () => {
  it('only the latest request publishes: a slow earlier photo never replaces a later one', async () => {
    const { host, pending } = fakeHost();
    const photos = track(new PhotoSession(useStore, host));
    const big = photos.analyse(jpeg('big.jpg'));
    await tick();
    const small = photos.analyse(jpeg('small.jpg'));
    await tick();
    pending.find((p) => p.tag === 'small.jpg')!.resolve();
    await small;
    expect(useStore.getState().photo).toMatchObject({ phase: 'done', name: 'small.jpg' });
    pending.find((p) => p.tag === 'big.jpg')!.resolve();
    await big;
    expect(useStore.getState().photo).toMatchObject({ phase: 'done', name: 'small.jpg' });
    expect(photos.inFlight).toBe(0);
    // Every bitmap but the one on screen is closed.
    const shown = useStore.getState().photo.image as unknown as FakeBitmap;
    expect(bitmaps.filter((b) => !b.closed)).toEqual([shown]);
  });

  it('a drop of many files analyses the last', async () => {
    const { host, pending } = fakeHost();
    const photos = track(new PhotoSession(useStore, host));
    const run = photos.analyseFiles([jpeg('1.jpg'), jpeg('2.jpg'), jpeg('3.jpg')]);
    await tick();
    expect(pending.map((p) => p.tag)).toEqual(['3.jpg']);
    pending[0]!.resolve();
    await run;
    expect(useStore.getState().photo.name).toBe('3.jpg');
  });

  it('a failed file keeps the previous result, marked as not the file just chosen', async () => {
    const { host, pending } = fakeHost();
    const photos = track(new PhotoSession(useStore, host));
    const first = photos.analyse(jpeg('good.jpg'));
    await tick();
    pending[0]!.resolve();
    await first;
    await photos.analyse(new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    expect(useStore.getState().photo).toMatchObject({ phase: 'done', name: 'good.jpg', failed: 'notes.txt' });
    expect(useStore.getState().notices.map((n) => n.code)).toContain('file-not-image');
  });

  it('an engine failure ends the request with an error, not a spinner', async () => {
    const { host, pending } = fakeHost();
    const photos = track(new PhotoSession(useStore, host));
    const run = photos.analyse(jpeg('a.jpg'));
    await tick();
    pending[0]!.reject(new AppException(errors.detectorLoad('wasm 404')));
    await run;
    expect(useStore.getState().photo).toMatchObject({ phase: 'error', name: 'a.jpg' });
    expect(useStore.getState().notices.map((n) => n.code)).toContain('detector-load');
  });

  it('"Why?" asks the engine for the face crop and top emotion, keeps the map with the photo, and drops it with the photo', async () => {
    const face = {
      id: 1,
      box: { x: 10, y: 10, width: 50, height: 50 },
      crop: { x: 0, y: 0, width: 70, height: 70 },
      score: 0.9,
      probs: Float32Array.from([0, 0, 0, 0.2, 0.7, 0, 0.1]),
      top: { emotion: 'sad' as const, probability: 0.7 },
      stale: false,
    };
    const asked: unknown[] = [];
    let finish: () => void = () => undefined;
    const host = {
      analyse: async () => ({ ...result('a'), faces: [face] }),
      explain: (_image: unknown, crop: unknown, roll: unknown, target: number) =>
        new Promise((resolve) => {
          asked.push({ crop, roll, target });
          finish = () => resolve({ method: 'occlusion', target, probability: 0.7, cells: 8, values: new Float32Array(64).fill(0.5), crop, ms: 3 });
        }),
    } as unknown as EngineHost;
    const session = track(new PhotoSession(useStore, host));
    await session.analyse(jpeg('a.jpg'));
    const asking = session.explain(1);
    void session.explain(1); // a second click while it is made: the same ask
    expect(useStore.getState().photo.explanations?.[1]).toEqual({ phase: 'pending' });
    finish();
    await asking;
    expect(asked).toEqual([{ crop: face.crop, roll: undefined, target: 4 }]); // sad, the face's top emotion
    const e = useStore.getState().photo.explanations?.[1];
    expect(e?.phase === 'done' && e.map.target).toBe(4);
    await session.analyse(jpeg('b.jpg'));
    expect(useStore.getState().photo.explanations).toBeUndefined(); // another photo: no map of the last one
  });

  it("numbers a photo's faces with no gaps at the filters of the moment: the shown ones 1..k left to right, then the hidden ones", async () => {
    const at = (x: number, score: number) => ({
      id: 0,
      box: { x, y: 10, width: 60, height: 60 },
      crop: { x, y: 0, width: 80, height: 80 },
      score,
      probs: new Float32Array(7),
      top: { emotion: 'happy' as const, probability: 0.5 },
      stale: false,
    });
    const host = { analyse: async () => ({ ...result('m'), faces: [at(10, 0.95), at(200, 0.55), at(400, 0.9)].map((f, i) => ({ ...f, id: i + 1 })) }) } as unknown as EngineHost;
    useStore.getState().setMinScore(0.6);
    const session = track(new PhotoSession(useStore, host));
    await session.analyse(jpeg('group.jpg'));
    const faces = useStore.getState().photo.result!.faces;
    expect(faces.map((f) => [f.id, f.box.x])).toEqual([
      [1, 10],
      [2, 400],
      [3, 200], // hidden at 60 %: numbered after the shown ones, so the cards read 1, 2
    ]);
  });

  it('a model switch reads the photo on screen again with the new model, keeping its face numbers and its pixels', async () => {
    const face = (x: number) => ({
      id: 1,
      box: { x, y: 10, width: 60, height: 60 },
      crop: { x, y: 0, width: 80, height: 80 },
      score: 0.9,
      probs: new Float32Array(7),
      top: { emotion: 'happy' as const, probability: 0.5 },
      stale: false,
    });
    const kinds: string[] = [];
    const host = {
      analyse: async (_image: unknown, kind: string) => {
        kinds.push(kind);
        return { ...result(useStore.getState().modelActive ?? 'old'), faces: [face(12)] };
      },
    } as unknown as EngineHost;
    useStore.getState().setModelActive('old');
    const session = track(new PhotoSession(useStore, host));
    await session.analyse(jpeg('a.jpg'));
    const image = useStore.getState().photo.image as unknown as FakeBitmap;
    expect(useStore.getState().photo.result?.model).toBe('old');
    useStore.getState().setModelActive('new');
    await tick();
    expect(kinds).toEqual(['photo', 'photo']);
    const photo = useStore.getState().photo;
    expect(photo).toMatchObject({ phase: 'done', name: 'a.jpg', result: { model: 'new' } });
    expect(photo.result?.faces[0]?.id).toBe(1);
    expect(photo.image).toBe(image); // the same pixels, never closed under the view
    expect(image.closed).toBe(false);
  });

  it('a photo in which no face was found can be read whole, as one face', async () => {
    const kinds: string[] = [];
    const host = {
      analyse: async (_image: unknown, kind: string) => {
        kinds.push(kind);
        if (kind === 'photo') return result('m');
        return {
          ...result('m'),
          whole: true,
          faces: [
            {
              id: 1,
              box: { x: 0, y: 0, width: 640, height: 480 },
              crop: { x: 0, y: -80, width: 640, height: 640 },
              score: 0,
              probs: new Float32Array(7),
              top: { emotion: 'happy' as const, probability: 0.5 },
              stale: false,
            },
          ],
        };
      },
    } as unknown as EngineHost;
    const session = track(new PhotoSession(useStore, host));
    await session.analyse(jpeg('mouth.jpg'));
    expect(useStore.getState().notices.map((n) => n.code)).toContain('no-face');
    await session.readWhole();
    expect(kinds).toEqual(['photo', 'whole']);
    expect(useStore.getState().photo).toMatchObject({ phase: 'done', name: 'mouth.jpg', result: { whole: true } });
    expect(useStore.getState().notices.map((n) => n.code)).not.toContain('no-face');
  });

  it('shows the whole photo\'s faces first, then the tiles\' added after them; a "Why?" asked meanwhile stays, the bitmap is the same', async () => {
    const face = (id: number, x: number) => ({
      id,
      box: { x, y: 10, width: 50, height: 50 },
      crop: { x, y: 0, width: 70, height: 70 },
      score: 0.9,
      probs: Float32Array.from([0, 0, 0, 1, 0, 0, 0]),
      top: { emotion: 'happy' as const, probability: 1 },
      stale: false,
    });
    let first: (r: FrameResult) => void = () => undefined;
    let finish: () => void = () => undefined;
    const host = {
      analyse: (_image: unknown, _kind: unknown, _time: unknown, onPartial: (r: FrameResult) => void) =>
        new Promise<FrameResult>((resolve) => {
          first = onPartial;
          finish = () => resolve({ ...result('a'), faces: [face(1, 300), face(2, 500), face(3, 20)] });
        }),
      explain: async (_i: unknown, crop: unknown, _r: unknown, target: number) => ({ method: 'occlusion', target, probability: 1, cells: 8, values: new Float32Array(64), crop, ms: 1 }),
    } as unknown as EngineHost;
    const session = new PhotoSession(useStore, host);
    const run = session.analyse(jpeg('a.jpg'));
    await tick();
    first({ ...result('a'), faces: [face(1, 300), face(2, 500)] });
    const shownFirst = useStore.getState().photo;
    expect(shownFirst).toMatchObject({ phase: 'done', name: 'a.jpg', searching: true });
    expect(shownFirst.result?.faces.map((f) => f.id)).toEqual([1, 2]);
    expect(session.inFlight).toBe(1); // still searching the tiles
    await session.explain(2);
    finish();
    await run;
    const done = useStore.getState().photo;
    expect(done.searching).toBeUndefined();
    expect(done.result?.faces.map((f) => f.id)).toEqual([1, 2, 3]);
    expect(done.image).toBe(shownFirst.image);
    expect((done.image as unknown as FakeBitmap).closed).toBe(false);
    expect(done.explanations?.[2]?.phase).toBe('done');
  });

  it("an engine failure after the whole photo's faces were shown keeps them, no longer searching", async () => {
    let first: (r: FrameResult) => void = () => undefined;
    let fail: (e: unknown) => void = () => undefined;
    const host = {
      analyse: (_image: unknown, _kind: unknown, _time: unknown, onPartial: (r: FrameResult) => void) =>
        new Promise<FrameResult>((_resolve, reject) => {
          first = onPartial;
          fail = reject;
        }),
    } as unknown as EngineHost;
    const session = new PhotoSession(useStore, host);
    const run = session.analyse(jpeg('a.jpg'));
    await tick();
    first(result('a'));
    fail(new AppException(errors.engineBusy()));
    await run;
    expect(useStore.getState().photo).toMatchObject({ phase: 'done', name: 'a.jpg' });
    expect(useStore.getState().photo.searching).toBeUndefined();
    expect((useStore.getState().photo.image as unknown as FakeBitmap).closed).toBe(false);
  });
});
