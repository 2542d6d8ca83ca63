/**
 * Face box -> model input. Pure geometry (square crop at a calibrated scale, kept inside the image,
 * half-pixel sampling boxes) and one tensor function that cuts every face of a frame out of the
 * frame's pixels, antialiased, gray, 64x64, in one batch.
 */
import * as tf from '@tensorflow/tfjs';
import { rollTransform } from './align';
import { type Box, clamp } from './box';
import { CROP } from './contract';
import { LUMA, MODEL_INPUT_SIZE } from './emotions';

import type { CropConfig } from './api';

export type { Box } from './box';
export type { CropConfig } from './api';

/** Measured by `npm run calibrate-crop` (scripts/calibrate-crop.ts), stored in contract.json. */
export const DEFAULT_CROP: CropConfig = CROP;

/**
 * The square crop for a detected face: `scale` times the box's larger side, centred on the box
 * (shifted by offsetY), then kept inside the image: shifted in when it sticks out, and shrunk to
 * the image's shorter side when it cannot fit. It stays square, so the face is never stretched.
 */
export function squareCrop(face: Box, imageWidth: number, imageHeight: number, cfg: CropConfig = DEFAULT_CROP): Box {
  const ideal = idealSquare(face, cfg);
  const cx = ideal.x + ideal.width / 2;
  const cy = ideal.y + ideal.height / 2;
  const side = Math.max(1, Math.min(ideal.width, imageWidth, imageHeight));
  const x = clamp(cx - side / 2, 0, imageWidth - side);
  const y = clamp(cy - side / 2, 0, imageHeight - side);
  return { x, y, width: side, height: side };
}

/** The calibrated square before it is kept inside the image (it may reach past the edges). */
export function idealSquare(face: Box, cfg: CropConfig = DEFAULT_CROP): Box {
  const side = cfg.scale * Math.max(face.width, face.height);
  const cx = face.x + face.width / 2;
  const cy = face.y + face.height / 2 + cfg.offsetY * side;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/**
 * The square crop of a face whose eyes lean by `roll` radians (align.ts eyeRoll): squareCrop's
 * square, with its calibrated vertical shift taken along the face's own down axis instead of the
 * image's, so the face sits in the turned crop where an upright one sits in the straight crop.
 * With roll 0 it is squareCrop's square exactly. The square may then reach past the image by a
 * few pixels; cropFaces replicates the edge there.
 */
export function rolledSquare(face: Box, roll: number, imageWidth: number, imageHeight: number, cfg: CropConfig = DEFAULT_CROP): Box {
  const square = squareCrop(face, imageWidth, imageHeight, cfg);
  if (roll === 0) return square;
  const d = cfg.offsetY * square.width;
  return { ...square, x: square.x - d * Math.sin(roll), y: square.y + d * (Math.cos(roll) - 1) };
}

/**
 * The part of a `width` x `height` image that reading `crop` (turned by `roll` about its centre)
 * samples: its bounding box, `margin` px more on each side for the bilinear neighbours, cut to the
 * image, in whole pixels. Reading only this part (a "Why?" map reads one face 25 times) gives the
 * same samples as reading the whole image: what lies outside it is past the image there too, where
 * cropFaces repeats the edge either way.
 */
export function cropRegion(crop: Box, roll: number, width: number, height: number, margin = 2): Box {
  const half = (crop.width / 2) * (Math.abs(Math.cos(roll)) + Math.abs(Math.sin(roll)));
  const cx = crop.x + crop.width / 2;
  const cy = crop.y + crop.height / 2;
  const x0 = Math.max(0, Math.floor(cx - half - margin));
  const y0 = Math.max(0, Math.floor(cy - half - margin));
  const x1 = Math.min(width, Math.ceil(cx + half + margin));
  const y1 = Math.min(height, Math.ceil(cy + half + margin));
  // A crop wholly past the image (never given by an analysis) still gets a pixel to read.
  return { x: Math.min(x0, width - 1), y: Math.min(y0, height - 1), width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/**
 * The square an image is read in as one face (the user's "read the whole photo as one face", where
 * the detector found none): its longer side, centred, so nothing of the photo is cut; on the shorter
 * side it reaches past the image, where cropFaces repeats the edge. No calibrated scale: the photo
 * is taken as the face's frame.
 */
export function wholeSquare(width: number, height: number): Box {
  const side = Math.max(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
}

/** Largest pyramid level: crops are sampled at up to size * 2^MAX_LEVEL px, then halved. */
export const MAX_LEVEL = 4;

/**
 * How many 2x halvings bring a crop of `side` px down to `size`: the crop is first sampled at
 * size * 2^level >= side px (so bilinear sampling never skips a source pixel), then each 2x2
 * average halves it. Capped at MAX_LEVEL (faces over 1024 px are sampled at 1024 first).
 */
export function pyramidLevel(side: number, size: number = MODEL_INPUT_SIZE): number {
  if (side <= size) return 0;
  return Math.min(MAX_LEVEL, Math.ceil(Math.log2(side / size)));
}

/**
 * Normalised [y1, x1, y2, x2] for tf.image.cropAndResize so that output pixel i samples the source
 * at box.x + (i + 0.5) * box.width / n - 0.5: half-pixel centres, the convention of the training
 * resize (PyTorch align_corners=False). cropAndResize itself spaces samples from corner to corner,
 * hence the conversion. `pad` is the border added around the image (coordinates shift by it).
 */
export function halfPixelBox(box: Box, imageWidth: number, imageHeight: number, n: number, pad = 1): [number, number, number, number] {
  const axis = (start: number, length: number, extent: number): [number, number] => {
    const step = length / n;
    const first = start + 0.5 * step - 0.5 + pad;
    const last = first + step * (n - 1);
    const denom = extent + 2 * pad - 1;
    return [first / denom, last / denom];
  };
  const [y1, y2] = axis(box.y, box.height, imageHeight);
  const [x1, x2] = axis(box.x, box.width, imageWidth);
  return [y1, x1, y2, x2];
}

/** True when a half-pixel sampling of `box` at n px reads outside the image (an upsampled crop at the edge). */
export function samplesOutside(box: Box, imageWidth: number, imageHeight: number, n: number): boolean {
  const outside = (start: number, length: number, extent: number) => {
    const step = length / n;
    const first = start + 0.5 * step - 0.5;
    return first < 0 || first + step * (n - 1) > extent - 1;
  };
  return outside(box.x, box.width, imageWidth) || outside(box.y, box.height, imageHeight);
}

/**
 * Cut `boxes` out of `pixels` ([H, W, 1|3|4], values 0-255, any dtype) into a float32
 * [N, size, size, 1] batch of gray in [0, 1]. Each crop is sampled at size * 2^level px with
 * half-pixel centres, then halved level times by 2x2 averaging (an antialiasing box filter), so a
 * 400 px face shrinks to 64 px without aliasing. When a sample would fall outside the image (only
 * an upsampled crop touching the edge does that), the image gets a 1 px edge-replicated border so
 * the sample reads the edge, as the training resize does; otherwise no full-frame copy is made.
 * Gray is a 1x1 convolution with the luma weights over 255 (a channel sum is slow on WebGPU), on
 * the 64x64 crops (on the whole frame it costs WebGPU on SwiftShader 1.8 s a frame). A weighted
 * mean of values in [0, 255] over 255 stays in [0, 1], so no clip: each op here is one more shader
 * per batch shape on WebGL and WebGPU. Runs on the active backend; leaves no tensor behind but
 * the result.
 */
export function cropFaces(pixels: tf.Tensor3D, boxes: readonly Box[], size: number = MODEL_INPUT_SIZE, rolls?: readonly number[]): tf.Tensor4D {
  if (boxes.length === 0) return tf.zeros([0, size, size, 1]);
  const [height, width, channels] = pixels.shape;
  return tf.tidy(() => {
    const levels = boxes.map((b) => pyramidLevel(Math.max(b.width, b.height), size));
    const turned = boxes.map((_, i) => i).filter((i) => (rolls?.[i] ?? 0) !== 0);
    const straight = boxes.map((_, i) => i).filter((i) => !turned.includes(i));
    const pad = straight.some((i) => samplesOutside(boxes[i] as Box, width, height, size * 2 ** (levels[i] as number))) ? 1 : 0;
    const image4d = tf.expandDims(pixels, 0) as tf.Tensor4D;
    const source = pad
      ? (tf.mirrorPad(
          image4d,
          [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ],
          'symmetric',
        ) as tf.Tensor4D)
      : image4d;
    const byLevel = new Map<number, number[]>();
    straight.forEach((i) => byLevel.set(levels[i] as number, [...(byLevel.get(levels[i] as number) ?? []), i]));
    const parts: tf.Tensor4D[] = [];
    const order: number[] = [];
    // A turned face is sampled by tf.image.transform at the same half-pixel points, turned about
    // the square's centre (align.ts rollTransform), edge-replicated past the image, one face a call.
    const asFloat = turned.length ? tf.cast(image4d, 'float32') : image4d;
    for (const i of turned) {
      const level = levels[i] as number;
      const n = size * 2 ** level;
      const m = tf.tensor2d([rollTransform(boxes[i] as Box, rolls?.[i] as number, n)], [1, 8]);
      let crop = tf.image.transform(asFloat, m, 'bilinear', 'nearest', 0, [n, n]);
      for (let l = 0; l < level; l++) crop = tf.avgPool(crop, 2, 2, 'valid');
      parts.push(crop);
      order.push(i);
    }
    for (const [level, indices] of byLevel) {
      const n = size * 2 ** level;
      const norm = indices.map((i) => halfPixelBox(boxes[i] as Box, width, height, n, pad));
      let crops = tf.image.cropAndResize(
        source,
        norm,
        indices.map(() => 0),
        [n, n],
        'bilinear',
      );
      for (let l = 0; l < level; l++) crops = tf.avgPool(crops, 2, 2, 'valid');
      parts.push(crops);
      order.push(...indices);
    }
    let batch = parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.concat(parts, 0);
    if (order.some((v, i) => v !== i)) {
      const inverse = order.map((_, i) => order.indexOf(i));
      batch = tf.gather(batch, inverse);
    }
    if (channels === 1) return tf.div(batch, 255) as tf.Tensor4D;
    const rgb = channels === 3 ? batch : batch.slice([0, 0, 0, 0], [-1, -1, -1, 3]);
    return tf.conv2d(
      rgb,
      tf.tensor4d(
        LUMA.map((w) => w / 255),
        [1, 1, 3, 1],
      ),
      1,
      'valid',
    );
  });
}
