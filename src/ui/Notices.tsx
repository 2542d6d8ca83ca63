import { useStore } from '../state/store';
import { useApp } from './context';

const RETRYABLE = new Set(['model-load', 'detector-load', 'engine-failed']);

export function Notices() {
  const { host } = useApp();
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  const failed = useStore((s) => s.engine.phase === 'failed');
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Messages">
      {notices.map((n) => (
        <div key={n.code} role="alert" className={`notice notice-${n.code}`} data-testid={`notice-${n.code}`}>
          <div>
            <strong>{n.message}</strong> <span>{n.action}</span>
          </div>
          <div className="notice-actions">
            {failed && RETRYABLE.has(n.code) && (
              <button type="button" data-testid="retry" onClick={() => void host.retry()}>
                Retry
              </button>
            )}
            <button type="button" aria-label="Dismiss message" onClick={() => dismiss(n.code)}>
              ×
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
