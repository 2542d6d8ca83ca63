/**
 * Face detection with MediaPipe tasks-vision, one detector in IMAGE mode for camera frames and
 * photos alike (a second instance would load a second copy of the 13 MB wasm runtime).
 * The wasm runtime and the detector model come from the URLs the caller gives (assets.ts: the app
 * serves them from its own origin, prepared by scripts/prepare-assets.ts; the library's user from
 * its assetsUrl); there is no default location. The runtime's ES-module build is imported directly, so the same code
 * runs in a module Web Worker (where tasks-vision's importScripts cannot) and on a page.
 * Photos are also searched tile by tile (see tiling.ts, photoFaces.ts), because the short-range
 * detector looks at 128x128 and misses the small faces of a group photo.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { Eyes, Point } from './align';
import { DEFAULT_FLOOR_SCORE, type DetectorOptions } from './api';
import { type Box, scaleBox } from './box';
import { loadFailure, probeAsset, responseProblem } from './assetCheck';
import { errorMessage } from './errorMessage';
import { againScore, expectedInLook, FACE_CHECK, type FaceCheck, secondLookRegion } from './faceCheck';
import { drawRegionExtended } from './padding';
import type { Tile } from './tiling';

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
  constructor(
    message: string,
    /** The file that was missing or wrong, when one was (assetCheck.ts). */
    readonly url?: string,
  ) {
    super(message);
  }
}

/** The detector model's bytes, or an error naming its URL and what came back. */
async function fetchModel(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new DetectorLoadError(`the face detector model ${url} could not be loaded: ${errorMessage(err)}`, url);
  }
  const bytes = res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
  const problem = responseProblem('tflite', res, bytes?.subarray(0, 64));
  if (problem || !bytes) throw new DetectorLoadError(`the face detector model ${url} could not be loaded: ${problem ?? 'no body'}`, url);
  return bytes;
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
  return /^[IW]\d{4} /.test(line) || /^INFO: /.test(line) || /^Graph (successfully started running|finished closing successfully)/.test(line);
}

type Factory = (arg?: Record<string, unknown>) => Promise<unknown>;
const quiet =
  (factory: Factory): Factory =>
  (arg = {}) =>
    factory({
      print: (line: string) => (isRuntimeChatter(line) ? console.debug(line) : console.log(line)),
      printErr: (line: string) => (isRuntimeChatter(line) ? console.debug(line) : console.error(line)),
      ...arg,
    });

/**
 * The runtime's ES-module build, loaded once per thread: its factory makes one wasm instance per
 * detector. MediaPipe takes the factory from globalThis.ModuleFactory and clears that global once
 * it has made its instance, so the factory is kept here and handed over again for every detector
 * (a second detector on the same thread, after a backend switch or a new engine, would otherwise
 * fail with "ModuleFactory not set.").
 */
let runtimeLoading: Promise<Factory> | null = null;
function loadRuntime(wasmBase: string): Promise<Factory> {
  runtimeLoading ??= import(/* @vite-ignore */ `${wasmBase}/${WASM_LOADER}`).then(
    (m: { default?: unknown }) => {
      const factory = quiet((m.default ?? (globalThis as ModuleFactoryHolder).ModuleFactory) as Factory);
      // The build also routes some warnings through a global it sets to console.warn.
      (globalThis as { custom_dbg?: (...a: unknown[]) => void }).custom_dbg = (...a: unknown[]) => (isRuntimeChatter(typeof a[0] === 'string' ? a[0] : '') ? console.debug(...a) : console.warn(...a));
      return factory;
    },
    (err: unknown) => {
      runtimeLoading = null;
      throw err;
    },
  );
  return runtimeLoading;
}

/**
 * Detectors are made one at a time per thread: MediaPipe reads globalThis.ModuleFactory and clears
 * it later, after an await, so two made at once could see the global the other one cleared.
 */
let making: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(job: () => Promise<T>): Promise<T> {
  const run = making.then(job, job);
  making = run.catch(() => undefined);
  return run;
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
    const loaderUrl = `${opts.wasmBase}/${WASM_LOADER}`;
    const binaryUrl = `${opts.wasmBase}/${WASM_BINARY}`;
    const [model, factory] = await Promise.all([
      fetchModel(opts.modelUrl),
      loadRuntime(opts.wasmBase).catch(async (err: unknown) => {
        throw await loadFailure("the face detector's runtime", loaderUrl, 'script', err);
      }),
    ]);
    // wasmLoaderPath '' : the loader is already in place (loadRuntime), nothing else is fetched.
    const fileset = { wasmLoaderPath: '', wasmBinaryPath: binaryUrl };
    try {
      const image = await oneAtATime(() => {
        (globalThis as ModuleFactoryHolder).ModuleFactory = factory;
        return FaceDetector.createFromOptions(fileset, {
          baseOptions: { modelAssetBuffer: model, delegate: 'CPU' },
          runningMode: 'IMAGE',
          minDetectionConfidence: opts.floorScore,
          minSuppressionThreshold: 0.3,
        });
      });
      return new FaceDetectorService(image, opts);
    } catch (err) {
      // Its wasm binary, missing or not WebAssembly, is the usual cause: named with what came back.
      const problem = await probeAsset(binaryUrl, 'wasm');
      if (problem) throw new DetectorLoadError(`the face detector's runtime ${binaryUrl} could not be loaded: ${problem}`, binaryUrl);
      throw new DetectorLoadError(`it could not start (${errorMessage(err)})`);
    }
  }

  /** One image (a camera frame or a photo), as is. */
  detectImage(image: TexImageSource | OffscreenCanvas | ImageBitmap): DetectedFace[] {
    const { width, height } = image as { width: number; height: number };
    return toFaces(this.image.detect(image), width, height);
  }

  /**
   * Every detection in `regions` of a photo (tiling.ts: the whole photo, or its tiles), boxes in
   * the photo's `fullWidth`-wide pixels; `draw` renders a region into a square canvas for one pass.
   * A face seen by several passes is found several times: photoFaces.ts merges them.
   */
  detectRegions(regions: readonly Tile[], draw: (region: Box, size: number) => TexImageSource | OffscreenCanvas): DetectedFace[] {
    const found: DetectedFace[] = [];
    for (const { region, size } of regions) {
      const canvas = draw(region, size);
      const s = region.width / size;
      for (const f of this.detectImage(canvas)) {
        const at = (p: { x: number; y: number }) => ({ x: p.x * s + region.x, y: p.y * s + region.y });
        found.push({
          score: f.score,
          box: scaleBox(f.box, s, s, region.x, region.y),
          ...(f.eyes && { eyes: { a: at(f.eyes.a), b: at(f.eyes.b) } }),
          ...(f.keypoints && { keypoints: f.keypoints.map(at) }),
        });
      }
    }
    return found;
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
