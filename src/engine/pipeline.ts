/**
 * One frame or photo in, faces with emotions out, with timings:
 *   detect faces -> square crops -> gray 64x64 -> classify (one batch) -> track + smooth.
 * The camera path never queues: a frame that arrives while the previous one is still being
 * processed is dropped (processVideo returns null).
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from './box';
import type { EmotionClassifier } from './classifier';
import { type CropConfig, DEFAULT_CROP, squareCrop } from './crop';
import type { FaceDetectorService } from './detector';
import { topEmotion, type Emotion } from './emotions';
import { regionRenderer, type LoadedPhoto } from './photo';
import { FaceTracker } from './tracker';

export interface FaceResult {
  /** Stable across frames on the camera; 1..n left to right on a photo. */
  id: number;
  /** Detector box, source pixels. */
  box: Box;
  /** The square the classifier saw, source pixels. */
  crop: Box;
  score: number;
  /** Probabilities in app class order (smoothed on the camera). */
  probs: Float32Array;
  top: { emotion: Emotion; probability: number };
  /** Not detected in this frame; shown for continuity. */
  stale: boolean;
}

export interface FrameTimings {
  detectMs: number;
  classifyMs: number;
  totalMs: number;
}

export interface FrameResult {
  width: number;
  height: number;
  faces: FaceResult[];
  timings: FrameTimings;
  /** When the frame was taken, ms (performance.now clock). */
  time: number;
}

export class EmotionPipeline {
  private processing = false;
  readonly tracker: FaceTracker;
  /** How a detector box becomes the classifier's square; see crop.ts. */
  crop: CropConfig;

  constructor(
    private readonly detector: FaceDetectorService,
    private classifier: EmotionClassifier,
    options: { tracker?: FaceTracker; crop?: CropConfig } = {},
  ) {
    this.tracker = options.tracker ?? new FaceTracker();
    this.crop = options.crop ?? DEFAULT_CROP;
  }

  get busy(): boolean {
    return this.processing;
  }

  /** Swap the classifier (another model, or re-prepared for another backend). */
  setClassifier(classifier: EmotionClassifier): void {
    this.classifier = classifier;
  }

  private async classify(source: HTMLVideoElement | ImageBitmap, crops: Box[]): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const pixels = tf.browser.fromPixels(source);
    try {
      return await this.classifier.classify(pixels, crops);
    } finally {
      pixels.dispose();
    }
  }

  /** One camera frame; null when the previous frame is still being processed (dropped). */
  async processVideo(video: HTMLVideoElement, now: number): Promise<FrameResult | null> {
    if (this.processing) return null;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    this.processing = true;
    try {
      const t0 = performance.now();
      const detections = this.detector.detectVideo(video, now);
      const t1 = performance.now();
      const crops = detections.map((d) => squareCrop(d.box, width, height, this.crop));
      const probs = await this.classify(video, crops);
      const t2 = performance.now();
      const tracks = this.tracker.update(
        detections.map((d, i) => ({ box: d.box, score: d.score, probs: probs[i] as Float32Array })),
        now,
      );
      const faces = tracks.map((t) => ({
        id: t.id,
        box: t.box,
        crop: squareCrop(t.box, width, height, this.crop),
        score: t.score,
        probs: t.probs,
        top: topEmotion(t.probs),
        stale: t.stale,
      }));
      return { width, height, faces, time: now, timings: { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 } };
    } finally {
      this.processing = false;
    }
  }

  /** Every face of a photo (searched at several scales), classified from the full-resolution copy. */
  async processPhoto(photo: LoadedPhoto): Promise<FrameResult> {
    this.processing = true;
    try {
      const t0 = performance.now();
      const detections = this.detector.detectPhoto(photo.width, photo.height, regionRenderer(photo.bitmap));
      detections.sort((a, b) => a.box.x - b.box.x || a.box.y - b.box.y);
      const t1 = performance.now();
      const crops = detections.map((d) => squareCrop(d.box, photo.width, photo.height, this.crop));
      const probs = await this.classify(photo.bitmap, crops);
      const t2 = performance.now();
      const faces = detections.map((d, i) => {
        const p = probs[i] as Float32Array;
        return { id: i + 1, box: d.box, crop: crops[i] as Box, score: d.score, probs: p, top: topEmotion(p), stale: false };
      });
      return { width: photo.width, height: photo.height, faces, time: t0, timings: { detectMs: t1 - t0, classifyMs: t2 - t1, totalMs: t2 - t0 } };
    } finally {
      this.processing = false;
    }
  }
}
