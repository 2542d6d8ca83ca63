import { useState } from 'react';
import { VideoRecorder } from '../app/recorder';
import { useStore } from '../state/store';
import { useApp } from './context';
import { RecordingSummary, SessionActions } from './SessionsPanel';
import { SessionTimeline } from './TimelineChart';
import { useSessionRows } from './useSessionRows';
import { useSubscribed } from './useSubscribed';

/**
 * Record / Stop on the camera (in the bar above the preview, so it is on screen at 1280 x 800),
 * and the last recording below it. The recording itself lives in app/
 * (recorder.ts): leaving the tab ends it cleanly, rows and video kept; every recording is a
 * session of its own (SessionsPanel), so Record again never overwrites the last one.
 */
export function RecordControls({ video, overlay }: { video: React.RefObject<HTMLVideoElement | null>; overlay: React.RefObject<HTMLCanvasElement | null> }) {
  const { recorder, sessions } = useApp();
  const running = useStore((s) => s.camera.phase === 'running');
  const state = useSubscribed(recorder, () => recorder.state);
  const list = useSubscribed(sessions, () => sessions.sessions);
  const [withVideo, setWithVideo] = useState(false);
  const last = list.find((s) => s.meta.kind === 'camera');

  const start = () => {
    const source = withVideo && video.current && overlay.current ? { video: video.current, overlay: overlay.current, mirror: () => useStore.getState().mirror } : null;
    recorder.begin(source);
  };
  return (
    <span className="record-controls" data-testid="recording" data-phase={state.phase}>
      {state.phase === 'recording' ? (
        <button type="button" className="record stop" data-testid="record-toggle" onClick={() => void recorder.stop()}>
          ■ Stop recording
        </button>
      ) : (
        <button type="button" className="record" data-testid="record-toggle" disabled={!running} onClick={start} title={running ? undefined : 'Start the camera first'}>
          ● {last ? 'Record a new session' : 'Record'}
        </button>
      )}
      {state.phase !== 'recording' && VideoRecorder.supported() && (
        <label className="checkbox">
          <input type="checkbox" data-testid="record-video" checked={withVideo} onChange={(e) => setWithVideo(e.target.checked)} /> also save the video
        </label>
      )}
      {state.phase === 'recording' && (
        <span role="status" data-testid="record-status">
          Recording {(state.elapsedMs / 1000).toFixed(0)} s · {state.rows} rows{state.withVideo ? ' · with video' : ''}
        </span>
      )}
    </span>
  );
}

/** The last camera recording, under the preview: its summary and files. */
export function LastRecording() {
  const { recorder, sessions } = useApp();
  const state = useSubscribed(recorder, () => recorder.state);
  const list = useSubscribed(sessions, () => sessions.sessions);
  const last = list.find((s) => s.meta.kind === 'camera');
  const opened = useStore((s) => s.openedSession);
  // Not a second copy of the session opened from the list (that one is shown above).
  const shown = state.phase !== 'recording' && !!last && !last.live && opened !== last.id;
  // The one session shown here is open: its rows are read (a restored one's) while it is shown.
  const rows = useSessionRows(last, shown);
  if (!shown || !last) return null;
  return (
    <section className="recording rec-result" aria-label="Last recording" data-testid="last-recording">
      <p>
        {last.restored ? 'Kept from your last visit: ' : 'Last recording: '}
        {last.name}, {(last.durationMs / 1000).toFixed(1)} s, <span data-testid="record-rows">{last.rowCount}</span> rows. Numbers only
        {last.webm ? ', and the video you asked for' : ''}; nothing was uploaded.
        {state.endedBy === 'camera' && state.sessionId === last.id ? ' It ended when the camera stopped, and is kept whole.' : ''} A new recording is kept beside it, under Sessions.
      </p>
      {rows && (
        <>
          <RecordingSummary rows={rows} />
          <SessionTimeline rows={rows} />
        </>
      )}
      <SessionActions session={last} />
    </section>
  );
}
