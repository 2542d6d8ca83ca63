import { useStore } from '../state/store';

export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Messages">
      {notices.map((n) => (
        <div key={n.code} role="alert" className={`notice notice-${n.code}`} data-testid={`notice-${n.code}`}>
          <div>
            <strong>{n.message}</strong> <span>{n.action}</span>
          </div>
          <button type="button" aria-label="Dismiss message" onClick={() => dismiss(n.code)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
