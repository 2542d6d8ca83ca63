import { useEffect, useState } from 'react';
import { BACKEND_LABEL, modelName } from '../engine';
import { isLoading, useStore } from '../state/store';

/**
 * What the engine is doing while it gets ready, with an honest estimate: the download's own rate
 * for what is left to fetch, and how long preparing took on this device last time.
 */
export function LoadProgress() {
  const model = useStore((s) => s.model);
  const engine = useStore((s) => s.engine);
  const detectorReady = useStore((s) => s.detectorReady);
  const wanted = useStore((s) => s.engine.startingOn ?? s.backendWanted ?? s.measured?.backend ?? null);
  const readyMs = useStore((s) => s.readyMs);
  const name = useStore((s) => modelName(s.models, s.modelId));
  const since = useStore((s) => s.loadingSince);
  const [, tick] = useState(0);
  const loading = isLoading({ engine, model });
  useEffect(() => {
    if (!loading) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [loading]);
  if (!loading || engine.phase === 'failed') return null;
  const elapsed = (performance.now() - (since ?? performance.now())) / 1000;
  const pct = model.total ? Math.min(100, Math.round((model.loaded / model.total) * 100)) : 0;
  const rate = model.loaded / Math.max(elapsed, 0.5);
  const last = wanted ? readyMs[wanted] : undefined;
  // Time spent is said as time spent ("so far"), never as a count that could read as time left.
  const spent = `${elapsed.toFixed(0)} s so far`;
  const estimate = last ? `, about ${Math.max(1, Math.round(last / 1000))} s last time` : '';
  const text =
    model.phase === 'loading'
      ? `Loading ${name || 'the model'}: ${(model.loaded / 1e6).toFixed(1)} of ${(model.total / 1e6).toFixed(1)} MB${model.fromCache ? ' (from this browser)' : rate > 0 && model.total > model.loaded ? `, about ${Math.ceil((model.total - model.loaded) / rate)} s left` : ''}`
      : model.phase === 'warming'
        ? `Preparing the model for ${wanted ? BACKEND_LABEL[wanted] : 'your device'}… ${spent}${estimate}`
        : !detectorReady
          ? `Loading the face detector… ${spent}${estimate}`
          : `Starting… ${spent}${estimate}`;
  return (
    <div className="load-progress" data-testid="load-progress" role="status">
      <label htmlFor="model-progress">{text}</label>
      <progress id="model-progress" max={100} value={model.phase === 'loading' ? pct : undefined} />
    </div>
  );
}
