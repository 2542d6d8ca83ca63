/**
 * Errors as values the UI can show: what happened, and what the user can do next.
 * Each case the app meets has one constructor here, so the wording lives in one place: the page's
 * (state/, app/, ui/ import it). The engine has no user wording: it throws EngineError or plain
 * errors, and errorMessage (engine/errorMessage.ts) turns those into the detail these messages quote.
 */
import { errorMessage } from '../engine';

export type ErrorCode =
  | 'camera-denied'
  | 'camera-missing'
  | 'camera-busy'
  | 'camera-ended'
  | 'camera-unsupported'
  | 'file-not-image'
  | 'file-corrupt'
  | 'file-too-large'
  | 'file-empty'
  | 'file-heic'
  | 'video-unreadable'
  | 'file-not-video'
  | 'no-face'
  | 'model-load'
  | 'detector-load'
  | 'backend-missing'
  | 'backend-switch'
  | 'engine-failed'
  | 'engine-busy'
  | 'recording-not-kept'
  | 'session-not-read'
  | 'unexpected';

export interface AppError {
  code: ErrorCode;
  message: string;
  /** What the user can do about it. */
  action: string;
}

export const MAX_FILE_BYTES = 40 * 1024 * 1024;
export const MAX_PIXELS = 100e6;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const errors = {
  cameraDenied: (): AppError => ({
    code: 'camera-denied',
    message: 'Camera access was denied.',
    action: 'Allow the camera for this site (the camera icon in the address bar), then press Start camera again. Or analyse a photo instead.',
  }),
  cameraMissing: (): AppError => ({
    code: 'camera-missing',
    message: 'No camera was found.',
    action: 'Connect a camera and press Start camera, or analyse a photo instead.',
  }),
  cameraBusy: (detail: string): AppError => ({
    code: 'camera-busy',
    message: `The camera could not be started (${detail}).`,
    action: 'Close other apps that use the camera, or pick another camera, then try again.',
  }),
  cameraEnded: (): AppError => ({
    code: 'camera-ended',
    message: 'The camera stopped (unplugged or taken by another app).',
    action: 'Reconnect it and press Start camera, or pick another camera.',
  }),
  cameraUnsupported: (): AppError => ({
    code: 'camera-unsupported',
    message: 'This browser cannot use a camera here (it needs a secure https:// or localhost page).',
    action: 'Open the app over https or on localhost, or analyse a photo instead.',
  }),
  notImage: (name: string, type: string): AppError => ({
    code: 'file-not-image',
    message: `"${name}" is not an image${type ? ` (${type})` : ''}.`,
    action: 'Choose a JPEG, PNG, WebP, GIF, BMP or AVIF photo.',
  }),
  corrupt: (name: string): AppError => ({
    code: 'file-corrupt',
    message: `"${name}" could not be decoded: the file is damaged or not really an image.`,
    action: 'Try another copy of the photo, or another photo.',
  }),
  tooLarge: (name: string, detail: string): AppError => ({
    code: 'file-too-large',
    message: `"${name}" is too large (${detail}).`,
    action: `Use a photo under ${mb(MAX_FILE_BYTES)} and ${MAX_PIXELS / 1e6} megapixels, or scale it down first.`,
  }),
  emptyFile: (name: string): AppError => ({
    code: 'file-empty',
    message: `"${name}" is empty (0 bytes).`,
    action: 'The file may not have finished downloading or copying; choose it again or pick another photo.',
  }),
  heic: (name: string): AppError => ({
    code: 'file-heic',
    message: `"${name}" is a HEIC/HEIF photo, which this browser cannot open.`,
    action: 'Convert it to JPEG first (on an iPhone: Settings > Camera > Formats > Most Compatible; on a Mac: open it in Preview and File > Export as JPEG), or use Safari.',
  }),
  notVideo: (name: string, type: string): AppError => ({
    code: 'file-not-video',
    message: `"${name}" is not a video${type ? ` (${type})` : ''}.`,
    action: 'Choose a WebM, MP4 or MOV file (photos go in the Photo tab).',
  }),
  videoUnreadable: (name: string, detail: string): AppError => ({
    code: 'video-unreadable',
    message: `"${name}" could not be opened: ${detail}.`,
    action: 'This browser may not support its codec: try an MP4 (H.264) or WebM (VP8/VP9) copy.',
  }),
  noFace: (name: string): AppError => ({
    code: 'no-face',
    message: `No face was found in "${name}".`,
    action: 'Use a photo where faces are visible, frontal and not too small.',
  }),
  modelLoad: (detail: string): AppError => ({
    code: 'model-load',
    message: `The emotion model could not be loaded: ${detail}`,
    action: 'Check your connection and reload the page, or pick another model.',
  }),
  detectorLoad: (detail: string): AppError => ({
    code: 'detector-load',
    message: `The face detector could not be loaded: ${detail}`,
    action: 'Reload the page. If it persists, your browser may block WebAssembly.',
  }),
  backendMissing: (detail: string): AppError => ({
    code: 'backend-missing',
    message: detail,
    action: 'The app keeps running on the backend shown; results are the same, only speed differs.',
  }),
  backendSwitch: (backend: string, detail: string): AppError => ({
    code: 'backend-switch',
    message: `${backend} could not be started: ${detail}`,
    action: 'The app keeps running on the backend it had; results are unaffected.',
  }),
  engineFailed: (detail: string): AppError => ({
    code: 'engine-failed',
    message: `The analysis engine could not start: ${detail}`,
    action: 'Press Retry or reload the page. If it persists, try another browser.',
  }),
  engineBusy: (): AppError => ({
    code: 'engine-busy',
    message: 'The analysis was interrupted by a backend switch.',
    action: 'Try again: the new backend is ready.',
  }),
  recordingNotKept: (detail: string): AppError => ({
    code: 'recording-not-kept',
    message: `The recording could not be kept in this browser's storage (${detail}): a reload now would lose what was not saved.`,
    action: 'The rows are still here and in the exports; while recording, saving is tried again every second. Download the CSV or JSON before leaving the page.',
  }),
  sessionNotRead: (name: string, detail: string): AppError => ({
    code: 'session-not-read',
    message: `The rows of "${name}" could not be read from this browser's storage (${detail}).`,
    action: 'Close other tabs of this app and open the session again; if it still fails, the browser may have cleared its storage.',
  }),
  unexpected: (detail: string): AppError => ({
    code: 'unexpected',
    message: `Something went wrong: ${detail}`,
    action: 'Try again; reload the page if it persists.',
  }),
};

/** Map a getUserMedia failure to what the user sees. */
export function cameraError(err: unknown): AppError {
  const name = (err as { name?: string })?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return errors.cameraDenied();
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') return errors.cameraMissing();
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return errors.cameraBusy((err as Error).message || name);
  return errors.cameraBusy((err as Error)?.message || String(err));
}

/** An AppError carried through `throw`. */
export class AppException extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = 'AppException';
  }
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppException) return err.error;
  return errors.unexpected(errorMessage(err));
}
