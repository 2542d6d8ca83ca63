import { useEffect } from 'react';
import { analysePhoto } from '../app/controller';
import { useStore } from '../state/store';
import { CameraView } from './CameraView';
import { Controls } from './Controls';
import { LiveRegion } from './LiveRegion';
import { LoadProgress } from './LoadProgress';
import { Notices } from './Notices';
import { PhotoView } from './PhotoView';
import { StatsPanel } from './StatsPanel';

export function App() {
  const mode = useStore((s) => s.mode);
  useEffect(() => {
    // Paste a photo anywhere: it is analysed in the Photo tab.
    const onPaste = (e: ClipboardEvent) => {
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      useStore.getState().setMode('photo');
      void analysePhoto(file);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Res<span>Emote</span>
        </h1>
        <p className="privacy" data-testid="privacy-note">
          <strong>Private by design:</strong> faces are analysed in this browser, on your device. No image, video or result
          leaves it — the page is not allowed to send anything anywhere.
        </p>
      </header>
      <Controls />
      <LoadProgress />
      <Notices />
      <main className="stage">{mode === 'camera' ? <CameraView /> : <PhotoView />}</main>
      <StatsPanel />
      <LiveRegion />
      <footer className="app-footer">
        Emotion model: ResEmoteNet (Roy et al., 2024), trained by this project on FER2013. Face detection: MediaPipe
        (Apache-2.0). Results are estimates of facial expressions, not of what a person feels.
      </footer>
    </div>
  );
}
