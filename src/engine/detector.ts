/**
 * Face detection with MediaPipe tasks-vision: VIDEO mode for the camera, IMAGE mode for photos.
 * The wasm runtime and the detector model are served from the app's own origin (prepared by
 * scripts/prepare-assets.ts). Photos are also searched tile by tile (see tiling.ts), because the
 * short-range detector looks at 128x128 and misses the small faces of a group photo.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import { type Box, clusterBoxes, iou, scaleBox, weightedMeanBox } from './box';
import { photoTiles } from './tiling';

export interface DetectedFace {
  box: Box;
  score: number;
}

export interface DetectorOptions {
  /** Folder of vision_wasm_internal.{js,wasm}. Default '/mediapipe/wasm'. */
  wasmBase: string;
  /** The detector model (with TFLite metadata). Default '/mediapipe/face_detector.tflite'. */
  modelUrl: string;
  /** Minimum detection score. Default 0.6: MediaPipe's 0.5 lets through bodies and blurred
   *  backgrounds (seen at 0.50-0.56 on the test photos), real faces score 0.6-0.97. */
  minScore: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  wasmBase: `${import.meta.env?.BASE_URL ?? '/'}mediapipe/wasm`.replace(/\/\//g, '/'),
  modelUrl: `${import.meta.env?.BASE_URL ?? '/'}mediapipe/face_detector.tflite`.replace(/\/\//g, '/'),
  minScore: 0.6,
};

export class DetectorLoadError extends Error {
  override name = 'DetectorLoadError';
}

function toFaces(result: ReturnType<FaceDetector['detect']>): DetectedFace[] {
  return result.detections.flatMap((d) =>
    d.boundingBox && d.boundingBox.width > 0 && d.boundingBox.height > 0
      ? [{ box: { x: d.boundingBox.originX, y: d.boundingBox.originY, width: d.boundingBox.width, height: d.boundingBox.height }, score: d.categories[0]?.score ?? 0 }]
      : [],
  );
}

export class FaceDetectorService {
  private lastVideoTime = -1;

  private constructor(
    private readonly video: FaceDetector,
    private readonly image: FaceDetector,
    readonly options: DetectorOptions,
  ) {}

  static async create(options: Partial<DetectorOptions> = {}): Promise<FaceDetectorService> {
    const opts = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    const fileset = { wasmLoaderPath: `${opts.wasmBase}/vision_wasm_internal.js`, wasmBinaryPath: `${opts.wasmBase}/vision_wasm_internal.wasm` };
    let model: Uint8Array;
    try {
      const res = await fetch(opts.modelUrl);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      model = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      throw new DetectorLoadError(`the face detector model ${opts.modelUrl} could not be loaded (${(err as Error).message})`);
    }
    const make = (runningMode: 'VIDEO' | 'IMAGE') =>
      FaceDetector.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
        runningMode,
        minDetectionConfidence: opts.minScore,
        minSuppressionThreshold: 0.3,
      });
    try {
      const video = await make('VIDEO');
      const image = await make('IMAGE');
      return new FaceDetectorService(video, image, opts);
    } catch (err) {
      throw new DetectorLoadError(`the face detector could not start (${(err as Error)?.message ?? String(err)}); its WebAssembly runtime may have failed to load`);
    }
  }

  /** One camera frame; `timeMs` must increase from call to call. */
  detectVideo(frame: TexImageSource, timeMs: number): DetectedFace[] {
    const t = Math.max(timeMs, this.lastVideoTime + 1);
    this.lastVideoTime = t;
    return toFaces(this.video.detectForVideo(frame, t));
  }

  /** One still image, as is. */
  detectImage(image: TexImageSource): DetectedFace[] {
    return toFaces(this.image.detect(image));
  }

  /**
   * Every face of a photo, small ones included: the whole (downscaled) image plus overlapping
   * tiles at finer scales. Detections of one face from several passes are clustered and their
   * boxes averaged by score. Boxes are in `fullWidth` x `fullHeight` pixels; `draw` renders a
   * region of the photo into a square canvas for one pass.
   */
  detectPhoto(fullWidth: number, fullHeight: number, draw: (region: Box, size: number) => TexImageSource): DetectedFace[] {
    const found: DetectedFace[] = [];
    for (const { region, size } of photoTiles(fullWidth, fullHeight)) {
      const canvas = draw(region, size);
      const s = region.width / size;
      for (const f of this.detectImage(canvas)) found.push({ score: f.score, box: scaleBox(f.box, s, s, region.x, region.y) });
    }
    const clusters = clusterBoxes(found.map((f) => f.box), found.map((f) => f.score), 0.3);
    return clusters.map(({ best, members }) => {
      const top = found[best] as DetectedFace;
      // Average only the detections that frame the face alike; a face cut by a tile edge gives a
      // smaller box that was rightly suppressed but would drag the mean.
      const alike = members.map((i) => found[i] as DetectedFace).filter((f) => iou(f.box, top.box) > 0.5);
      return { score: top.score, box: weightedMeanBox(alike.map((f) => f.box), alike.map((f) => f.score)) };
    });
  }

  close(): void {
    this.video.close();
    this.image.close();
  }
}
