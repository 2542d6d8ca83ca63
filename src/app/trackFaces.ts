/**
 * One analysed frame through the tracker, then the user's display filters: ids are given to every
 * face the detector found, before any filter, so a face keeps its number (on screen, in the
 * timeline and in the CSV) whatever the confidence or size filter says. Shared by the camera and
 * the video-file paths.
 */
import { type FaceFilter, type FaceResult, type FaceTracker, type FrameResult, isFiltered, trackedFaces } from '../engine';

/** `read`: each tracked face (filtered or not) with its track's key, as it is to be shown (the camera's resting-face reading). */
export function trackFaces(
  tracker: FaceTracker,
  frame: Pick<FrameResult, 'faces' | 'width' | 'height' | 'thumb'>,
  filter: FaceFilter,
  now: number,
  read?: (face: FaceResult, key: number) => FaceResult,
): FaceResult[] {
  const tracks = tracker.update(frame.faces, now, frame.thumb);
  const faces = trackedFaces(tracks);
  return (read ? faces.map((f, i) => read(f, tracks[i]?.key ?? 0)) : faces).filter((f) => !isFiltered(f, frame.width, frame.height, filter));
}
