/**
 * Face detection with MediaPipe tasks-vision, one detector in IMAGE mode for camera frames and
 * photos alike (a second instance would load a second copy of the 13 MB wasm runtime).
 * The wasm runtime and the detector model come from the URLs the caller gives (assets.ts: the app
 * serves them from its own origin, prepared by scripts/prepare-assets.ts; the library's user from
 * its assetsUrl); there is no default location. The runtime's ES-module build is imported directly, so the same code
 * runs in a module Web Worker (where tasks-vision's importScripts cannot) and on a page.
 * Photos are also searched tile by tile (see tiling.ts), because the short-range detector looks at
 * 128x128 and misses the small faces of a group photo.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Eyes, Point } from './align';
import { DEFAULT_FLOOR_SCORE, type DetectorOptions } from './api';
import { type Box, clusterBoxes, iou, scaleBox, weightedMeanBox } from './box';
import { errorMessage } from './errorMessage';
import { againScore, expectedInLook, FACE_CHECK, type FaceCheck, secondLookRegion } from './faceCheck';
import { drawRegionExtended } from './padding';
import { photoTiles } from './tiling';

export interface DetectedFace {
  box: Box;
  score: number;
  /** The two eye keypoints in pixels (the detector's first two), when it gave them: align.ts eyeRoll. */
  eyes?: Eyes;
  /** The detector's six keypoints in pixels, in its order (the eyes, nose tip, mouth, the two ear
   *  tragions), when it gave them (scripts/face-check.ts weighs their geometry as a face check). */
  keypoints?: Point[];
}

export type { DetectorOptions } from './api';

/** The defaults of what has one: the files' URLs have none (assets.ts gives the layout). */
export const DEFAULT_DETECTOR_OPTIONS: Pick<DetectorOptions, 'floorScore' | 'faceCheck'> = { floorScore: DEFAULT_FLOOR_SCORE, faceCheck: true };

/** The runtime's ES-module loader and its binary (a pair: each build has its own .wasm). */
export const WASM_LOADER = 'vision_wasm_module_internal.js';
export const WASM_BINARY = 'vision_wasm_module_internal.wasm';

export class DetectorLoadError extends Error {
  override name = 'DetectorLoadError';
}

/** Detections -> faces in pixels of an image `width` x `height` (keypoints come normalised). */
export function toFaces(result: ReturnType<FaceDetector['detect']>, width: number, height: number): DetectedFace[] {
  return result.detections.flatMap((d) => {
    if (!d.boundingBox || d.boundingBox.width <= 0 || d.boundingBox.height <= 0) return [];
    const face: DetectedFace = {
      box: { x: d.boundingBox.originX, y: d.boundingBox.originY, width: d.boundingBox.width, height: d.boundingBox.height },
      score: d.categories[0]?.score ?? 0,
    };
    const points = (d.keypoints ?? []).map((k) => ({ x: k.x * width, y: k.y * height }));
    const [a, b] = points;
    if (a && b) face.eyes = { a, b };
    if (points.length) face.keypoints = points;
    return [face];
  });
}

type ModuleFactoryHolder = { ModuleFactory?: unknown };

/**
 * The runtime's own log lines (glog "I1128 ..." / "W1128 ..." and TFLite's "INFO: Created ...
 * delegate", which it prints on stderr, so a console shows it as an error) are diagnostics for its
 * developers: they go to console.debug. Anything else it prints stays an error or a log.
 */
export function isRuntimeChatter(line: string): boolean {
  return /^[IW]\d{4} /.test(line) || /^INFO: /.test(line) || /^Graph successfully started running/.test(line);
}

type Factory = (arg?: Record<string, unknown>) => Promise<unknown>;
const quiet = (factory: Factory): Factory => (arg = {}) =>
  factory({
    print: (line: string) => (isRuntimeChatter(line) ? console.debug(line) : console.log(line)),
    printErr: (line: string) => (isRuntimeChatter(line) ? console.debug(line) : console.error(line)),
    ...arg,
  });

/** Load the runtime's ES-module build once per thread; it sets globalThis.ModuleFactory. */
let runtimeLoading: Promise<void> | null = null;
function loadRuntime(wasmBase: string): Promise<void> {
  if ((globalThis as ModuleFactoryHolder).ModuleFactory) return Promise.resolve();
  runtimeLoading ??= import(/* @vite-ignore */ `${wasmBase}/${WASM_LOADER}`).then(
    (m: { default?: unknown }) => {
      const factory = (m.default ?? (globalThis as ModuleFactoryHolder).ModuleFactory) as Factory;
      (globalThis as ModuleFactoryHolder).ModuleFactory = quiet(factory);
      // The build also routes some warnings through a global it sets to console.warn.
      (globalThis as { custom_dbg?: (...a: unknown[]) => void }).custom_dbg = (...a: unknown[]) =>
        isRuntimeChatter(String(a[0] ?? '')) ? console.debug(...a) : console.warn(...a);
    },
    (err: unknown) => {
      runtimeLoading = null;
      throw err;
    },
  );
  return runtimeLoading;
}

export class FaceDetectorService {
  private constructor(
    private readonly image: FaceDetector,
    readonly options: DetectorOptions,
  ) {}

  static async create(options: Partial<DetectorOptions> = {}): Promise<FaceDetectorService> {
    const { wasmBase, modelUrl } = options;
    if (!wasmBase || !modelUrl) throw new DetectorLoadError('no location was given for its files (wasmBase and modelUrl: see engine/assets.ts)');
    const opts: DetectorOptions = { ...DEFAULT_DETECTOR_OPTIONS, ...options, wasmBase, modelUrl };
    const [model] = await Promise.all([
      fetch(opts.modelUrl)
        .then(async (res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return new Uint8Array(await res.arrayBuffer());
        })
        .catch((err: unknown) => {
          throw new DetectorLoadError(`the face detector model ${opts.modelUrl} could not be loaded (${errorMessage(err)})`);
        }),
      loadRuntime(opts.wasmBase).catch((err: unknown) => {
        throw new DetectorLoadError(`its WebAssembly runtime ${opts.wasmBase}/${WASM_LOADER} could not be loaded (${errorMessage(err)})`);
      }),
    ]);
    // wasmLoaderPath '' : the loader is already in place (loadRuntime), nothing else is fetched.
    const fileset = { wasmLoaderPath: '', wasmBinaryPath: `${opts.wasmBase}/${WASM_BINARY}` };
    try {
      const image = await FaceDetector.createFromOptions(fileset, {
        baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
        runningMode: 'IMAGE',
        minDetectionConfidence: opts.floorScore,
        minSuppressionThreshold: 0.3,
      });
      return new FaceDetectorService(image, opts);
    } catch (err) {
      throw new DetectorLoadError(`it could not start (${errorMessage(err)}); its WebAssembly runtime may have failed to load`);
    }
  }

  /** One image (a camera frame or a photo), as is. */
  detectImage(image: TexImageSource | OffscreenCanvas | ImageBitmap): DetectedFace[] {
    const { width, height } = image as { width: number; height: number };
    return toFaces(this.image.detect(image as TexImageSource), width, height);
  }

  /**
   * Every face of a photo, small ones included: the whole (downscaled) image plus overlapping
   * tiles at finer scales. Detections of one face from several passes are clustered and their
   * boxes averaged by score. Boxes are in `fullWidth` x `fullHeight` pixels; `draw` renders a
   * region of the photo into a square canvas for one pass.
   */
  detectPhoto(fullWidth: number, fullHeight: number, draw: (region: Box, size: number) => TexImageSource | OffscreenCanvas): DetectedFace[] {
    const found: DetectedFace[] = [];
    for (const { region, size } of photoTiles(fullWidth, fullHeight)) {
      const canvas = draw(region, size);
      const s = region.width / size;
      for (const f of this.detectImage(canvas)) {
        const at = (p: { x: number; y: number }) => ({ x: p.x * s + region.x, y: p.y * s + region.y });
        found.push({ score: f.score, box: scaleBox(f.box, s, s, region.x, region.y), ...(f.eyes && { eyes: { a: at(f.eyes.a), b: at(f.eyes.b) } }), ...(f.keypoints && { keypoints: f.keypoints.map(at) }) });
      }
    }
    const clusters = clusterBoxes(found.map((f) => f.box), found.map((f) => f.score), 0.3);
    return clusters.map(({ best, members }) => {
      const top = found[best] as DetectedFace;
      // Average only the detections that frame the face alike; a face cut by a tile edge gives a
      // smaller box that was rightly suppressed but would drag the mean.
      const alike = members.map((i) => found[i] as DetectedFace).filter((f) => iou(f.box, top.box) > 0.5);
      return { score: top.score, box: weightedMeanBox(alike.map((f) => f.box), alike.map((f) => f.score)), ...(top.eyes && { eyes: top.eyes }), ...(top.keypoints && { keypoints: top.keypoints }) };
    });
  }

  private lookCanvas: OffscreenCanvas | null = null;
  private frameCanvas: OffscreenCanvas | null = null;
  private frameData: ImageData | null = null;

  /** A camera frame read by copy (ImageData) on a canvas, to draw from; once per frame. */
  private drawable(image: CanvasImageSource | ImageData): CanvasImageSource {
    if (!('data' in image)) return image;
    if (this.frameData !== image) {
      this.frameCanvas ??= new OffscreenCanvas(image.width, image.height);
      if (this.frameCanvas.width !== image.width || this.frameCanvas.height !== image.height) [this.frameCanvas.width, this.frameCanvas.height] = [image.width, image.height];
      (this.frameCanvas.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(image, 0, 0);
      this.frameData = image;
    }
    return this.frameCanvas as OffscreenCanvas;
  }

  /**
   * The second look at a box of `image` (faceCheck.ts): the square around it, `check.side` times its
   * size, mirrored, edges repeated past the image, drawn at LOOK_SIZE px and detected again. Returns
   * the best score of a detection there that falls on the box, 0 when none does.
   */
  secondLook(image: CanvasImageSource | ImageData, width: number, height: number, box: Box, check: FaceCheck = FACE_CHECK): number {
    const region = secondLookRegion(box, check);
    this.lookCanvas = drawRegionExtended(this.drawable(image), width, height, region, LOOK_SIZE, check.mirror, this.lookCanvas ?? undefined);
    return againScore(this.detectImage(this.lookCanvas), expectedInLook(box, region, LOOK_SIZE, check.mirror));
  }

  close(): void {
    this.image.close();
  }
}

/** The second look's canvas side, px (the detector reads 128 x 128; a little more keeps detail for its resize). */
export const LOOK_SIZE = 192;
