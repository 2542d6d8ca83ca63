/**
 * One analysed frame through the tracker, then the user's display filters: ids are given to every
 * face the detector found, before any filter, so a face keeps its number (on screen, in the
 * timeline and in the CSV) whatever the confidence or size filter says. Shared by the camera and
 * the video-file paths.
 */
import { type FaceFilter, type FaceResult, type FaceTracker, type FrameResult, isFiltered, trackedFaces } from '../engine';

export function trackFaces(tracker: FaceTracker, frame: Pick<FrameResult, 'faces' | 'width' | 'height' | 'thumb'>, filter: FaceFilter, now: number): FaceResult[] {
  return trackedFaces(tracker.update(frame.faces, now, frame.thumb)).filter((f) => !isFiltered(f, frame.width, frame.height, filter));
}
