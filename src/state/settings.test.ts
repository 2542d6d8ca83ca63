import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_SCORE } from '../engine';
import { DEFAULT_SETTINGS, loadSettings, parseSettings, SETTINGS_KEY, saveSettings } from './settings';

describe('settings', () => {
  it('round-trips through storage', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const s = { ...DEFAULT_SETTINGS, mode: 'photo' as const, backendWanted: 'webgl' as const, smoothingMs: 600, mirror: false, minScore: 0.8, modelId: 'resemotenet-s', readyMs: { webgl: 9000 } };
    saveSettings(storage, s);
    expect(store.has(SETTINGS_KEY)).toBe(true);
    expect(loadSettings(storage)).toEqual(s);
  });

  it('falls back to defaults for anything missing, malformed or out of range', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('[1,2]')).toEqual(DEFAULT_SETTINGS);
    const bad = parseSettings(
      JSON.stringify({ backendWanted: 'quantum', smoothingMs: -4, mirror: 'yes', minScore: 7, modelId: '../../etc', readyMs: { webgl: -1, webgpu: 'x' }, measured: { backend: 'webgpu' } }),
    );
    expect(bad).toEqual(DEFAULT_SETTINGS);
  });

  it('the confidence filter defaults to the one face floor; an old default stored by an earlier version reads as the new one, a choice stays', () => {
    expect(DEFAULT_SETTINGS.minScore).toBe(DEFAULT_MIN_SCORE);
    expect(DEFAULT_SETTINGS.minScore).toBe(0.5);
    expect(parseSettings(JSON.stringify({ minScore: 0.6 })).minScore).toBe(0.5); // stored whole by an earlier version: its default
    expect(parseSettings(JSON.stringify({ minScore: 0.75 })).minScore).toBe(0.75);
    expect(parseSettings(JSON.stringify({ minScore: 0.6, version: 2 })).minScore).toBe(0.6); // chosen in this version
    expect(parseSettings(JSON.stringify({ minScore: 0.4, version: 2 })).minScore).toBe(0.5); // under the floor: nothing there to show
  });

  it('remembers the tab chosen last; an unknown tab falls back to the camera', () => {
    expect(parseSettings(JSON.stringify({ mode: 'video' })).mode).toBe('video');
    expect(parseSettings(JSON.stringify({ mode: 'photo' })).mode).toBe('photo');
    expect(parseSettings(JSON.stringify({ mode: 'settings' })).mode).toBe('camera');
  });

  it('survives a storage that throws (privacy mode)', () => {
    expect(
      loadSettings({
        getItem: () => {
          throw new Error('denied');
        },
      }),
    ).toEqual(DEFAULT_SETTINGS);
    expect(() =>
      saveSettings(
        {
          setItem: () => {
            throw new Error('quota');
          },
        },
        DEFAULT_SETTINGS,
      ),
    ).not.toThrow();
  });
});
