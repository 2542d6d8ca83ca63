import { useEffect, useRef, useState } from 'react';
import { BACKEND_LABEL, type BackendName, CHOOSABLE_BACKENDS, type ModelEntry } from '../engine';
import { type Mode, useStore } from '../state/store';
import { useApp } from './context';
import { ModelCard } from './ModelCard';

const MODES: { id: Mode; label: string }[] = [
  { id: 'camera', label: 'Camera' },
  { id: 'photo', label: 'Photo' },
  { id: 'video', label: 'Video file' },
];

/** Short names for the compact bar (BACKEND_LABEL, whose WebAssembly says "(CPU)", is the status's). */
const SHORT: Record<BackendName, string> = { wasm: 'WebAssembly', webgl: 'WebGL', webgpu: 'WebGPU', cpu: 'CPU' };

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

/**
 * How much slower `b` measured than `than` on this device (the app's own hand-over measurements,
 * kept in the settings), when clearly slower: 1.5x or more. null when not measured or not slower.
 */
export function slowerBy(speedMs: Partial<Record<BackendName, number>>, b: BackendName, than: BackendName | null): number | null {
  const mine = speedMs[b];
  const theirs = than ? speedMs[than] : undefined;
  if (!mine || !theirs || b === than) return null;
  const ratio = mine / theirs;
  return ratio >= 1.5 ? ratio : null;
}

const times = (r: number) => (r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`);

/** Seconds since `since` (performance.now()), ticking once a second while `on`. */
function useSeconds(on: boolean, since: number | null): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [on]);
  return on && since !== null ? Math.max(0, Math.round((performance.now() - since) / 1000)) : 0;
}

function BackendToggle() {
  const { host } = useApp();
  const support = useStore((s) => s.support);
  const active = useStore((s) => s.backendActive);
  const switching = useStore((s) => s.backendSwitching);
  const switchingSince = useStore((s) => s.switchingSince);
  const wanted = useStore((s) => s.backendWanted);
  const warming = useStore((s) => s.warming);
  const speedMs = useStore((s) => s.speedMs);
  const readyMs = useStore((s) => s.readyMs);
  const modelPhase = useStore((s) => s.model.phase);
  // While switching (or while the picked one warms at start), the radio shows the backend asked
  // for; the text says which one still runs.
  const shown = (switching || (warming !== null && warming.backend === wanted)) && wanted ? wanted : active;
  const phase = useStore((s) => s.engine.phase);
  const elapsed = useSeconds(switching, switchingSince);
  const target = switching ? wanted : null;
  const last = target ? readyMs[target] : undefined;
  const slower = target ? slowerBy(speedMs, target, active) : null;
  // What gets ready beside the running one, said once (the reason, which says it too, is under Details),
  // and never beside "in use" of that same backend.
  const beside = warming && warming.backend !== active && !switching ? warming : null;
  return (
    <fieldset className="control backend" data-testid="backend-toggle">
      <legend>Backend</legend>
      {CHOOSABLE_BACKENDS.map((b) => {
        const info = support?.[b];
        const disabled = !info?.available || switching;
        const id = `backend-${b}`;
        const slow = slowerBy(speedMs, b, active);
        return (
          <label key={b} htmlFor={id} className={info && !info.available ? 'unavailable' : undefined} title={info && !info.available ? info.reason : undefined}>
            <input
              id={id}
              type="radio"
              name="backend"
              value={b}
              data-testid={id}
              checked={shown === b}
              disabled={disabled}
              aria-describedby={info && !info.available ? `${id}-why` : slow ? `${id}-slow` : undefined}
              onChange={() => void host.switchBackend(b)}
            />
            {SHORT[b]}
            {info && !info.available && (
              <span id={`${id}-why`} className="why">
                {' '}
                (not available here)
              </span>
            )}
            {slow && (
              <span id={`${id}-slow`} className="why slower" data-testid={`${id}-slower`}>
                {' '}
                (measured {times(slow)} slower here)
              </span>
            )}
          </label>
        );
      })}
      <output className="in-use" data-testid="backend-active" aria-live="polite">
        {switching ? 'switching…' : active && phase === 'ready' ? `in use: ${BACKEND_LABEL[active]}` : phase === 'failed' ? 'not running' : 'starting…'}
      </output>
      {beside && (
        <span className="why backend-warming" data-testid="backend-warming">
          {BACKEND_LABEL[beside.backend]} is warming up beside it; {beside.measured ? 'it takes over if it measures faster here.' : 'it takes over once warm.'}
        </span>
      )}
      {switching && target && (
        <span className="why backend-progress" data-testid="backend-progress" role="status">
          {modelPhase === 'warming' ? `Preparing the model for ${SHORT[target]}` : `Starting ${SHORT[target]}`}
          {last ? `: about ${Math.max(1, Math.round(last / 1000))} s (as last time)` : ': this can take a minute the first time'}; {elapsed} s so far.
          {active ? ` ${SHORT[active]} keeps analysing meanwhile.` : ''}
          {slower && active ? ` ${SHORT[target]} measured ${times(slower)} slower than ${SHORT[active]} on this device: results will come slower.` : ''}
        </span>
      )}
    </fieldset>
  );
}

/** A model as the picker names it: its name, "recommended" for the default, and its download size. */
export function modelOption(m: ModelEntry, first: boolean): string {
  return `${m.name}${first ? ', recommended' : ''} · ${(m.bytes / 1e6).toFixed(1)} MB`;
}

function ModelPicker() {
  const { host } = useApp();
  const models = useStore((s) => s.models);
  const modelId = useStore((s) => s.modelId);
  const phase = useStore((s) => s.model.phase);
  const [card, setCard] = useState(false);
  if (models.length === 0) return null;
  const current = models.find((m) => m.id === modelId) ?? models[0];
  const about = (
    <button type="button" className="link about-model" data-testid="model-card-open" aria-haspopup="dialog" onClick={() => setCard(true)}>
      About<span className="wide-only"> this model</span>
    </button>
  );
  return (
    <div className="control model">
      {/* One model: nothing to pick; its name, in words. */}
      {models.length === 1 ? (
        <span data-testid="model-name">Model: {models[0]!.name}</span>
      ) : (
        <>
          <label htmlFor="model-picker">Model</label>
          <select id="model-picker" data-testid="model-picker" value={modelId ?? ''} disabled={phase === 'loading' || phase === 'warming'} onChange={(e) => void host.switchModel(e.target.value)}>
            {models.map((m, i) => (
              <option key={m.id} value={m.id}>
                {modelOption(m, i === 0)}
              </option>
            ))}
          </select>
        </>
      )}
      {about}
      {card && current && <ModelCard model={current} recommended={current.id === models[0]?.id} onClose={() => setCard(false)} />}
    </div>
  );
}

/** Opens the Settings panel and moves to the face filter (the link from a photo's note). */
export function openFaceFilter(): void {
  const panel = document.querySelector<HTMLDetailsElement>('[data-testid="settings"]');
  if (panel) panel.open = true;
  const slider = document.getElementById('min-score');
  slider?.scrollIntoView({ block: 'center' });
  slider?.focus();
}

export function Settings() {
  const s = useStore();
  return (
    <details className="settings" data-testid="settings">
      <summary>
        <h2>Settings</h2>
      </summary>
      <div className="settings-grid">
        <div className="control">
          <label htmlFor="smoothing">Smoothing: {s.smoothingMs === 0 ? 'off' : `${s.smoothingMs} ms`}</label>
          <input id="smoothing" data-testid="setting-smoothing" type="range" min={0} max={1000} step={50} value={s.smoothingMs} onChange={(e) => s.setSmoothingMs(Number(e.target.value))} />
        </div>
        <div className="control checkbox">
          <input id="mirror" data-testid="setting-mirror" type="checkbox" checked={s.mirror} onChange={(e) => s.setMirror(e.target.checked)} />
          <label htmlFor="mirror">Mirror the camera preview</label>
        </div>
        <fieldset className="face-filter" data-testid="face-filter">
          <legend>Face filter</legend>
          <div className="control">
            <label htmlFor="min-score">Detection confidence: {Math.round(s.minScore * 100)}%</label>
            <input id="min-score" data-testid="setting-min-score" type="range" min={0.5} max={0.95} step={0.05} value={s.minScore} onChange={(e) => s.setMinScore(Number(e.target.value))} />
          </div>
          <div className="control checkbox">
            <input id="hide-low" data-testid="setting-hide-low" type="checkbox" checked={s.hideLowConfidence} onChange={(e) => s.setHideLowConfidence(e.target.checked)} />
            <label htmlFor="hide-low">Hide faces below that confidence</label>
          </div>
          <div className="control">
            <label htmlFor="min-size">Minimum face size: {s.minSize === 0 ? 'any' : `${Math.round(s.minSize * 100)}% of the image`}</label>
            <input id="min-size" data-testid="setting-min-size" type="range" min={0} max={0.3} step={0.01} value={s.minSize} onChange={(e) => s.setMinSize(Number(e.target.value))} />
          </div>
        </fieldset>
        <div className="control checkbox">
          <input id="whole-if-none" data-testid="setting-whole" type="checkbox" checked={s.wholeIfNoFace} onChange={(e) => s.setWholeIfNoFace(e.target.checked)} />
          <label htmlFor="whole-if-none">In a batch of photos, read a photo in which no face is found as one face</label>
        </div>
      </div>
    </details>
  );
}

/** The compact bar above the work: the input tabs, the model, the backend. */
export function Controls() {
  return (
    <section className="controls" aria-label="Input and engine">
      <ModeTabs />
      <ModelPicker />
      <BackendToggle />
    </section>
  );
}
