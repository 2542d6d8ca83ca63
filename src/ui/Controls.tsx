import { useRef } from 'react';
import { BACKEND_LABEL, CHOOSABLE_BACKENDS } from '../engine';
import { type Mode, useStore } from '../state/store';
import { useApp } from './context';

const MODES: { id: Mode; label: string }[] = [
  { id: 'camera', label: 'Camera' },
  { id: 'photo', label: 'Photo' },
  { id: 'video', label: 'Video file' },
];

/** The ARIA tabs pattern: arrow keys, Home and End move between tabs; one tab in the tab order. */
export function ModeTabs() {
  const mode = useStore((s) => s.mode);
  const setMode = useStore((s) => s.setMode);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: React.KeyboardEvent, i: number) => {
    const last = MODES.length - 1;
    const next = e.key === 'ArrowRight' ? (i === last ? 0 : i + 1) : e.key === 'ArrowLeft' ? (i === 0 ? last : i - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : -1;
    if (next < 0) return;
    e.preventDefault();
    setMode((MODES[next] as (typeof MODES)[number]).id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="Input">
      {MODES.map((m, i) => (
        <button
          key={m.id}
          ref={(el) => void (refs.current[i] = el)}
          role="tab"
          id={`tab-${m.id}`}
          aria-selected={mode === m.id}
          aria-controls="stage"
          tabIndex={mode === m.id ? 0 : -1}
          className={mode === m.id ? 'tab active' : 'tab'}
          data-testid={`tab-${m.id}`}
          onClick={() => setMode(m.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {m.label}
        </button>
      ))}
    </div>
  );
}

function BackendToggle() {
  const { host } = useApp();
  const support = useStore((s) => s.support);
  const active = useStore((s) => s.backendActive);
  const switching = useStore((s) => s.backendSwitching);
  const reason = useStore((s) => s.engine.backendReason);
  const wanted = useStore((s) => s.backendWanted);
  const warming = useStore((s) => s.warming);
  // While switching (or while the picked one warms at start), the radio shows the backend asked
  // for; the text says which one still runs.
  const shown = (switching || (warming !== null && warming.backend === wanted)) && wanted ? wanted : active;
  const phase = useStore((s) => s.engine.phase);
  return (
    <fieldset className="control backend" data-testid="backend-toggle">
      <legend>Compute backend</legend>
      {CHOOSABLE_BACKENDS.map((b) => {
        const info = support?.[b];
        const disabled = !info?.available || switching;
        const id = `backend-${b}`;
        return (
          <label key={b} htmlFor={id} className={info && !info.available ? 'unavailable' : undefined}>
            <input
              id={id}
              type="radio"
              name="backend"
              value={b}
              data-testid={id}
              checked={shown === b}
              disabled={disabled}
              aria-describedby={info?.reason ? `${id}-why` : undefined}
              onChange={() => void host.switchBackend(b)}
            />
            {BACKEND_LABEL[b]}
            {info && !info.available && (
              <span id={`${id}-why`} className="why">
                {' '}
                — unavailable: {info.reason}
              </span>
            )}
          </label>
        );
      })}
      <output className="in-use" data-testid="backend-active" aria-live="polite">
        {switching ? 'switching…' : active && phase === 'ready' ? `in use: ${BACKEND_LABEL[active]}` : phase === 'failed' ? 'not running' : 'starting…'}
      </output>
      {reason && active && !switching && (
        <span className="why backend-reason" data-testid="backend-reason">
          ({reason})
        </span>
      )}
      {warming && !switching && (
        <span className="why backend-warming" data-testid="backend-warming">
          {' '}
          {BACKEND_LABEL[warming.backend]} is warming up beside it; {warming.measured ? 'it takes over if it measures faster here.' : 'it takes over once warm.'}
        </span>
      )}
    </fieldset>
  );
}

function ModelPicker() {
  const { host } = useApp();
  const models = useStore((s) => s.models);
  const modelId = useStore((s) => s.modelId);
  const phase = useStore((s) => s.model.phase);
  if (models.length === 0) return null;
  // One model: nothing to pick; its name, in words.
  if (models.length === 1)
    return (
      <div className="control model" data-testid="model-name">
        Emotion model: {models[0]!.name}
      </div>
    );
  return (
    <div className="control model">
      <label htmlFor="model-picker">Model</label>
      <select id="model-picker" data-testid="model-picker" value={modelId ?? ''} disabled={phase === 'loading' || phase === 'warming'} onChange={(e) => void host.switchModel(e.target.value)}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} — {(m.bytes / 1e6).toFixed(1)} MB
            {m.accuracy !== undefined ? ` — ${(m.accuracy * 100).toFixed(1)} % FER2013` : ''}
            {m.crossAccuracy !== undefined ? `, ${(m.crossAccuracy * 100).toFixed(1)} % CK+` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Settings() {
  const s = useStore();
  return (
    <details className="settings" data-testid="settings">
      <summary>Settings</summary>
      <div className="settings-grid">
        <div className="control">
          <label htmlFor="smoothing">Smoothing: {s.smoothingMs === 0 ? 'off' : `${s.smoothingMs} ms`}</label>
          <input id="smoothing" data-testid="setting-smoothing" type="range" min={0} max={1000} step={50} value={s.smoothingMs} onChange={(e) => s.setSmoothingMs(Number(e.target.value))} />
        </div>
        <div className="control checkbox">
          <input id="mirror" data-testid="setting-mirror" type="checkbox" checked={s.mirror} onChange={(e) => s.setMirror(e.target.checked)} />
          <label htmlFor="mirror">Mirror the camera preview</label>
        </div>
        <div className="control">
          <label htmlFor="min-score">Detection confidence: {Math.round(s.minScore * 100)}%</label>
          <input id="min-score" data-testid="setting-min-score" type="range" min={0.3} max={0.95} step={0.05} value={s.minScore} onChange={(e) => s.setMinScore(Number(e.target.value))} />
        </div>
        <div className="control checkbox">
          <input id="hide-low" data-testid="setting-hide-low" type="checkbox" checked={s.hideLowConfidence} onChange={(e) => s.setHideLowConfidence(e.target.checked)} />
          <label htmlFor="hide-low">Hide faces below that confidence</label>
        </div>
        <div className="control">
          <label htmlFor="min-size">Minimum face size: {s.minSize === 0 ? 'any' : `${Math.round(s.minSize * 100)}% of the image`}</label>
          <input id="min-size" data-testid="setting-min-size" type="range" min={0} max={0.3} step={0.01} value={s.minSize} onChange={(e) => s.setMinSize(Number(e.target.value))} />
        </div>
      </div>
    </details>
  );
}

export function Controls() {
  return (
    <section className="controls" aria-label="Input and engine">
      <ModeTabs />
      <BackendToggle />
      <ModelPicker />
    </section>
  );
}
