/**
 * A camera's own frames (VideoFrame, from MediaStreamTrackProcessor), read without the copies that
 * turning each frame into a bitmap costs: Chromium keeps a shared-memory copy of every frame made
 * into an ImageBitmap, one 4 MB region per 1280x720 frame, up to ~450 MB (docs/speed.md). Here
 * the frame's pixels are copied once, by VideoFrame.copyTo, into one RGBA buffer that the engine
 * reuses for every frame of that size, and the frame is closed at once (its capture buffer goes
 * back to the camera). The ImageData that comes out shares that buffer, so it is valid until the
 * next read: the engine reads frames under its lock, one analysis at a time.
 *
 * A frame this path cannot copy as it is shown (turned or mirrored by the capture, scaled to
 * another display size, or a browser without copyTo's RGBA conversion) becomes a bitmap instead,
 * as any other image does.
 */
export type FramePixels = ImageData | ImageBitmap;

type MakeImage = (data: Uint8ClampedArray, width: number, height: number) => ImageData;
type MakeBitmap = (frame: VideoFrame) => Promise<ImageBitmap>;

/** Is `x` a VideoFrame (where the browser has them)? */
export function isVideoFrame(x: unknown): x is VideoFrame {
  return typeof VideoFrame === 'function' && x instanceof VideoFrame;
}

export class FrameReader {
  private buffer: Uint8ClampedArray | null = null;
  /** Frames read by copy, and frames that had to become a bitmap (tests, benchmarks). */
  readonly counts = { copied: 0, bitmaps: 0 };

  constructor(
    private readonly makeImage: MakeImage = (data, width, height) => new ImageData(data as Uint8ClampedArray<ArrayBuffer>, width, height),
    private readonly makeBitmap: MakeBitmap = (frame) => createImageBitmap(frame),
  ) {}

  /**
   * The frame's pixels; the frame is closed whatever happens. `copy` false: a bitmap (a photo's
   * path draws regions of its image, which needs one).
   */
  async read(frame: VideoFrame, copy = true): Promise<FramePixels> {
    try {
      const rect = frame.visibleRect;
      const turned = (frame as { rotation?: number }).rotation || (frame as { flip?: boolean }).flip;
      const copyable = copy && rect && !turned && rect.width === frame.displayWidth && rect.height === frame.displayHeight;
      if (copyable) {
        const size = rect.width * rect.height * 4;
        if (this.buffer?.length !== size) this.buffer = new Uint8ClampedArray(size);
        try {
          await frame.copyTo(this.buffer, { format: 'RGBA' });
          this.counts.copied++;
          return this.makeImage(this.buffer, rect.width, rect.height);
        } catch (err) {
          // A closed frame cannot become a bitmap either; anything else (no RGBA conversion) can.
          if ((err as DOMException)?.name === 'InvalidStateError') throw err;
        }
      }
      const bitmap = await this.makeBitmap(frame);
      this.counts.bitmaps++;
      return bitmap;
    } finally {
      frame.close();
    }
  }
}
