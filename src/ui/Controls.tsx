import { switchBackend, switchModel } from '../app/controller';
import { BACKEND_LABEL, type GpuBackend } from '../engine/backend';
import { useStore } from '../state/store';

const GPU_BACKENDS: GpuBackend[] = ['webgpu', 'webgl'];

function ModeTabs() {
  const mode = useStore((s) => s.mode);
  const setMode = useStore((s) => s.setMode);
  return (
    <div className="tabs" role="tablist" aria-label="Input">
      {(['camera', 'photo'] as const).map((m) => (
        <button
          key={m}
          role="tab"
          aria-selected={mode === m}
          className={mode === m ? 'tab active' : 'tab'}
          data-testid={`tab-${m}`}
          onClick={() => setMode(m)}
        >
          {m === 'camera' ? 'Camera' : 'Photo'}
        </button>
      ))}
    </div>
  );
}

function BackendToggle() {
  const support = useStore((s) => s.support);
  const active = useStore((s) => s.backendActive);
  const switching = useStore((s) => s.backendSwitching);
  return (
    <fieldset className="control backend" data-testid="backend-toggle">
      <legend>Compute backend</legend>
      {GPU_BACKENDS.map((b) => {
        const info = support?.[b];
        const disabled = !info?.available || switching;
        const id = `backend-${b}`;
        return (
          <label key={b} htmlFor={id} className={info && !info.available ? 'unavailable' : undefined} title={info?.reason}>
            <input
              id={id}
              type="radio"
              name="backend"
              value={b}
              data-testid={id}
              checked={active === b}
              disabled={disabled}
              aria-describedby={info?.reason ? `${id}-why` : undefined}
              onChange={() => void switchBackend(b)}
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
        {switching ? 'switching…' : active ? `in use: ${BACKEND_LABEL[active]}` : 'starting…'}
      </output>
    </fieldset>
  );
}

function ModelPicker() {
  const models = useStore((s) => s.models);
  const modelId = useStore((s) => s.modelId);
  const phase = useStore((s) => s.model.phase);
  if (models.length === 0) return null;
  return (
    <div className="control">
      <label htmlFor="model-picker">Model</label>
      <select id="model-picker" data-testid="model-picker" value={modelId ?? ''} disabled={phase === 'loading' || phase === 'warming'} onChange={(e) => void switchModel(e.target.value)}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} — {(m.bytes / 1e6).toFixed(1)} MB
            {m.accuracy !== undefined ? ` — ${(m.accuracy * 100).toFixed(1)} % FER2013` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}

function Settings() {
  const smoothingMs = useStore((s) => s.smoothingMs);
  const setSmoothingMs = useStore((s) => s.setSmoothingMs);
  const mirror = useStore((s) => s.mirror);
  const setMirror = useStore((s) => s.setMirror);
  return (
    <>
      <div className="control">
        <label htmlFor="smoothing">Smoothing: {smoothingMs === 0 ? 'off' : `${smoothingMs} ms`}</label>
        <input id="smoothing" type="range" min={0} max={1000} step={50} value={smoothingMs} onChange={(e) => setSmoothingMs(Number(e.target.value))} />
      </div>
      <div className="control checkbox">
        <input id="mirror" type="checkbox" checked={mirror} onChange={(e) => setMirror(e.target.checked)} />
        <label htmlFor="mirror">Mirror the camera preview</label>
      </div>
    </>
  );
}

export function Controls() {
  return (
    <section className="controls" aria-label="Settings">
      <ModeTabs />
      <BackendToggle />
      <ModelPicker />
      <Settings />
    </section>
  );
}
