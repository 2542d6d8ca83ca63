import { useEffect } from 'react';
import { useStore } from '../state/store';
import { CameraView } from './CameraView';
import { useApp } from './context';
import { Controls, Settings } from './Controls';
import { LiveRegion } from './LiveRegion';
import { LoadProgress } from './LoadProgress';
import { Notices } from './Notices';
import { PhotoView } from './PhotoView';
import { OpenedSession, SessionsPanel } from './SessionsPanel';
import { StatsPanel } from './StatsPanel';
import { VideoView } from './VideoView';

function UpdateBanner() {
  const update = useStore((s) => s.update);
  if (!update) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      A new version of ResEmote is ready.{' '}
      <button type="button" onClick={() => update.apply()}>
        Reload to use it
      </button>
    </div>
  );
}

export function App() {
  const { photos } = useApp();
  const mode = useStore((s) => s.mode);
  useEffect(() => {
    // Paste a photo anywhere: it is analysed in the Photo tab.
    const onPaste = (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'));
      if (!files.length) return;
      e.preventDefault();
      useStore.getState().setMode('photo');
      void photos.analyseFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [photos]);
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Res<span>Emote</span>
        </h1>
        <p className="privacy" data-testid="privacy-note">
          <strong>Private by design:</strong> faces are read in this browser, on your device; no image, video or result leaves it.
        </p>
      </header>
      <UpdateBanner />
      <Controls />
      <LoadProgress />
      <Notices />
      <div className="workspace">
        <main className="stage" id="stage" role="tabpanel" aria-labelledby={`tab-${mode}`}>
          <OpenedSession />
          {mode === 'camera' ? <CameraView /> : mode === 'photo' ? <PhotoView /> : <VideoView />}
        </main>
        <aside className="side">
          <SessionsPanel />
          <StatsPanel />
          <Settings />
        </aside>
      </div>
      <LiveRegion />
      <footer className="app-footer">
        Emotion models: ResEmoteNet (Roy et al., 2024), trained by this project on public sets of faces (each model's “About this model” says which). Face detection: MediaPipe (Apache-2.0). Results
        are estimates of facial expressions, not of what a person feels.
      </footer>
    </div>
  );
}
