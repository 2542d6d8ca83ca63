import { useEffect, useRef, useState } from 'react';
import { recordingToCsv, recordingToJson, summarizeRecording } from '../app/recording';
import { exportName } from '../app/results';
import { type Session, sessionTime } from '../app/sessions';
import { useStore } from '../state/store';
import { type EmotionCounts, mixOverTime, ranked, topEmotionCounts } from '../app/summary';
import { EMOTION_COLOR, EMOTION_LABEL, EMOTIONS } from '../engine';
import { useApp } from './context';
import { download } from './download';
import { SessionTimeline, TimeAxis } from './TimelineChart';
import { useReadRows, useSessionRows } from './useSessionRows';
import { useSubscribed } from './useSubscribed';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** +0.79, -0.25, and 0.00 rather than "-0.00". */
const signed = (v: number) => (Math.abs(v) < 0.005 ? '0.00' : `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);

/** Top emotions in words, most frequent first: "Happy 3 · Neutral 1". */
export function countsInWords(counts: EmotionCounts, unit: (n: number) => string = String): string {
  return ranked(counts)
    .map((r) => `${EMOTION_LABEL[r.emotion]} ${unit(r.count)}`)
    .join(' · ');
}

/** All faces of a session: the mix of top emotions over ten stretches of its time, and in words. */
function SessionMix({ rows }: { rows: Parameters<typeof summarizeRecording>[0] }) {
  const end = rows.reduce((m, r) => Math.max(m, r.t), 0);
  const mix = mixOverTime(rows, end, 10);
  const total = rows.length;
  const words = countsInWords(topEmotionCounts(rows), (n) => `${Math.round((n / total) * 100)}%`);
  return (
    <div className="session-mix" data-testid="session-mix">
      <span className="rec-face">All faces over time</span>
      <span className="mix-strip" aria-hidden="true">
        {mix.map((bin, i) => (
          <span key={i} className="mix-bin">
            {EMOTIONS.filter((e) => bin[e] > 0).map((e) => (
              <span key={e} style={{ height: `${bin[e] * 100}%`, background: EMOTION_COLOR[e] }} title={`${EMOTION_LABEL[e]} ${Math.round(bin[e] * 100)}%`} />
            ))}
          </span>
        ))}
      </span>
      <TimeAxis durationMs={end} className="mix-axis" />
      <span className="share-words">{words}</span>
    </div>
  );
}

/** Per face: the share of time per emotion as one stacked bar (labelled), and the mean valence;
 *  with several faces, first the mix of all of them over time. */
export function RecordingSummary({ rows }: { rows: Parameters<typeof summarizeRecording>[0] }) {
  const summary = summarizeRecording(rows);
  if (!summary.length) return <p className="muted">No face was recorded.</p>;
  return (
    <ul className="rec-summary" data-testid="recording-summary">
      <li>
        <SessionMix rows={rows} />
      </li>
      {summary.map((f) => {
        const parts = EMOTIONS.filter((e) => f.share[e] > 0).sort((a, b) => f.share[b] - f.share[a]);
        const words = parts.map((e) => `${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`);
        return (
          <li key={f.face}>
            <span className="rec-face">
              Face #{f.face} · {seconds(f.lastMs - f.firstMs || 0)} · valence {signed(f.meanValence)}
            </span>
            <span className="share-bar" aria-hidden="true">
              {parts.map((e) => (
                <span key={e} style={{ width: `${f.share[e] * 100}%`, background: EMOTION_COLOR[e] }} title={`${EMOTION_LABEL[e]} ${Math.round(f.share[e] * 100)}%`} />
              ))}
            </span>
            <span className="share-words">{words.join(' · ')}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** The files of a session: CSV, JSON, and the WebM when one was recorded (rows read when asked for).
 *  Each button names its session, so a list of them reads apart. */
export function SessionActions({ session, onDelete }: { session: Session; onDelete?: () => void }) {
  const [confirm, setConfirm] = useState(false);
  const read = useReadRows();
  const csv = async () => {
    const rows = await read(session);
    if (rows) download(new Blob([recordingToCsv(rows, session.meta.source)], { type: 'text/csv' }), exportName(session.name, 'csv'));
  };
  const json = async () => {
    const rows = await read(session);
    if (rows) download(new Blob([recordingToJson(rows, session.meta)], { type: 'application/json' }), exportName(session.name, 'json'));
  };
  const of = ` of ${session.name}`;
  return (
    <div className="rec-actions">
      <button type="button" aria-label={`Export CSV${of}`} onClick={() => void csv()}>
        Export CSV
      </button>
      <button type="button" aria-label={`Export JSON${of}`} onClick={() => void json()}>
        Export JSON
      </button>
      {session.webm && (
        <button type="button" data-testid="session-webm" aria-label={`Download video (WebM)${of}`} onClick={() => download(session.webm!, exportName(session.name, 'webm'))}>
          Download video (WebM)
        </button>
      )}
      {onDelete &&
        (confirm ? (
          <>
            <button type="button" className="danger" data-testid="session-delete-confirm" aria-label={`Delete ${session.name} for good`} onClick={onDelete}>
              Delete for good
            </button>
            <button type="button" aria-label={`Keep ${session.name}`} onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" data-testid="session-delete" aria-label={`Delete ${session.name}…`} onClick={() => setConfirm(true)}>
            Delete…
          </button>
        ))}
    </div>
  );
}

/** The line under a session's name: what, when (as its name says it), how long, how many faces. */
function sessionLine(session: Session): string {
  const faces = session.faceCount;
  return `${session.meta.kind === 'camera' ? 'Camera' : 'Video file'} · ${sessionTime(session.meta.startedAt)} · ${seconds(session.durationMs)} · ${faces} ${faces === 1 ? 'face' : 'faces'}${session.live ? ' · recording…' : ''}${session.restored ? ' · kept from an earlier visit' : ''}`;
}

function SessionItem({ session }: { session: Session }) {
  const { sessions } = useApp();
  const opened = useStore((s) => s.openedSession === session.id);
  return (
    <li className="session" data-testid="session-item" data-kind={session.meta.kind} data-live={session.live} data-rows={session.rowCount}>
      <input
        className="session-name"
        aria-label="Session name"
        defaultValue={session.name}
        key={session.name}
        onBlur={(e) => void sessions.rename(session.id, e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <div className="muted session-meta">
        <time dateTime={session.meta.startedAt}>{sessionLine(session)}</time>
      </div>
      {!session.live && (
        <>
          {/* Opened in the main column, where there is room for its charts (never a second copy in this narrow list). */}
          <button
            type="button"
            className="link"
            aria-pressed={opened}
            aria-label={`${opened ? 'Close' : 'Open'} ${session.name}`}
            data-testid="session-open"
            onClick={() => useStore.getState().setOpenedSession(opened ? null : session.id)}
          >
            {opened ? 'Close' : 'Open'}
          </button>
          <SessionActions session={session} onDelete={() => void sessions.remove(session.id)} />
        </>
      )}
    </li>
  );
}

/** The session opened from the list, in the main column: its summary, charts and files. */
export function OpenedSession() {
  const { sessions } = useApp();
  const id = useStore((s) => s.openedSession);
  const list = useSubscribed(sessions, () => sessions.sessions);
  const session = list.find((s) => s.id === id);
  const rows = useSessionRows(session, !!session);
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (session) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [session?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!session) return null;
  return (
    <section ref={ref} className="opened-session" data-testid="opened-session" aria-labelledby="opened-session-title">
      <div className="opened-head">
        <h2 id="opened-session-title">{session.name}</h2>
        <span className="muted">{sessionLine(session)}</span>
        <button type="button" data-testid="opened-session-close" onClick={() => useStore.getState().setOpenedSession(null)}>
          Close
        </button>
      </div>
      {rows ? (
        <>
          <RecordingSummary rows={rows} />
          <SessionTimeline rows={rows} />
        </>
      ) : (
        <p className="muted" data-testid="session-reading">
          Reading its rows…
        </p>
      )}
      <SessionActions session={session} />
    </section>
  );
}

/**
 * Every recording and video analysis of this browser, newest first: kept across tab switches and
 * reloads until deleted; a new recording never replaces one.
 */
export function SessionsPanel() {
  const { sessions } = useApp();
  const list = useSubscribed(sessions, () => sessions.sessions);
  return (
    <details className="sessions" data-testid="sessions" open>
      <summary>
        <h2>Sessions</h2> <span className="muted">({list.length})</span>
      </summary>
      {list.length === 0 ? (
        <p className="muted">Recordings and analysed videos are kept here, on this device only.</p>
      ) : (
        <ol className="session-list">
          {list.map((s) => (
            <SessionItem key={s.id} session={s} />
          ))}
        </ol>
      )}
    </details>
  );
}
