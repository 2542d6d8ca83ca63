import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errors } from './errors';
import { resetStore, useStore } from './store';

beforeEach(resetStore);
afterEach(() => vi.restoreAllMocks());

describe('store', () => {
  it('keeps one notice per error code, newest last, and dismisses by code', () => {
    const s = useStore.getState();
    s.report(errors.cameraDenied());
    s.report(errors.noFace('a.jpg'));
    s.report(errors.noFace('b.jpg'));
    const notices = useStore.getState().notices;
    expect(notices.map((n) => n.code)).toEqual(['camera-denied', 'no-face']);
    expect(notices[1]?.message).toContain('b.jpg');
    useStore.getState().dismiss('camera-denied');
    expect(useStore.getState().notices.map((n) => n.code)).toEqual(['no-face']);
    useStore.getState().clearNotices(['no-face']);
    expect(useStore.getState().notices).toEqual([]);
  });

  it('merges partial model and camera status and bounds the smoothing setting', () => {
    const s = useStore.getState();
    s.setModelStatus({ phase: 'loading', total: 100 });
    s.setModelStatus({ loaded: 40 });
    expect(useStore.getState().model).toMatchObject({ phase: 'loading', loaded: 40, total: 100 });
    s.setCamera({ phase: 'running', deviceId: 'cam1' });
    expect(useStore.getState().camera).toMatchObject({ phase: 'running', deviceId: 'cam1', devices: [] });
    s.setSmoothingMs(99999);
    expect(useStore.getState().smoothingMs).toBe(2000);
    s.setSmoothingMs(-5);
    expect(useStore.getState().smoothingMs).toBe(0);
  });

  it('times a load from when it started: a model switch long after the first load starts at 0 s', () => {
    const clock = vi.spyOn(performance, 'now');
    const s = useStore.getState();
    clock.mockReturnValue(1000);
    s.setEngine({ phase: 'loading' });
    s.setModelStatus({ phase: 'loading', loaded: 0, total: 10 });
    expect(useStore.getState().loadingSince).toBe(1000);
    clock.mockReturnValue(3000);
    s.setModelStatus({ phase: 'warming' }); // still the same load
    expect(useStore.getState().loadingSince).toBe(1000);
    s.setModelStatus({ phase: 'ready' });
    s.setEngine({ phase: 'ready' });
    expect(useStore.getState().loadingSince).toBeNull();
    clock.mockReturnValue(600_000); // ten minutes later, the user picks another model
    s.setModelStatus({ phase: 'loading', loaded: 0, total: 10 });
    expect(useStore.getState().loadingSince).toBe(600_000);
  });

  it('resets between tests', () => {
    expect(useStore.getState().notices).toEqual([]);
    expect(useStore.getState().model.phase).toBe('idle');
  });
});
