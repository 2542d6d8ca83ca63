import { useStore } from '../state/store';

export function LoadProgress() {
  const model = useStore((s) => s.model);
  const detectorReady = useStore((s) => s.detectorReady);
  const name = useStore((s) => s.models.find((m) => m.id === s.modelId)?.name);
  if (model.phase === 'ready' && detectorReady) return null;
  if (model.phase === 'error') return null;
  const pct = model.total ? Math.min(100, Math.round((model.loaded / model.total) * 100)) : 0;
  const text =
    model.phase === 'warming'
      ? 'Preparing the model for your GPU…'
      : model.phase === 'loading'
        ? `Loading ${name ?? 'model'}: ${(model.loaded / 1e6).toFixed(1)} of ${(model.total / 1e6).toFixed(1)} MB${model.fromCache ? ' (from cache)' : ''}`
        : !detectorReady
          ? 'Loading the face detector…'
          : 'Starting…';
  return (
    <div className="load-progress" data-testid="load-progress">
      <label htmlFor="model-progress">{text}</label>
      <progress id="model-progress" max={100} value={model.phase === 'loading' ? pct : undefined} />
    </div>
  );
}
