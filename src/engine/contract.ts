/**
 * The model contract shared with the training toolkit (training/contract.py reads the same
 * contract.json): class order, input size and gray conversion, the names of the graph's input and
 * output, and the calibrated face crop. The one place the app reads it from.
 */
import contract from './contract.json' with { type: 'json' };

export type Emotion = 'angry' | 'disgust' | 'fear' | 'happy' | 'sad' | 'surprise' | 'neutral';

/** Index order = FER2013 label ids = the model's output order. */
export const CLASSES = contract.classes as readonly Emotion[];
/** Model input: float32 [N, INPUT_SIZE, INPUT_SIZE, 1], gray in [0, 1]. */
export const INPUT_SIZE: number = contract.inputSize;
/** luma = 0.299 R + 0.587 G + 0.114 B */
export const LUMA = contract.luma as [number, number, number];
export const INPUT_NAME: string = contract.inputName;
export const OUTPUT_NAME: string = contract.outputName;
/** Square crop side = scale x the detector box's larger side, centre shifted by offsetY x side. */
export const CROP: { scale: number; offsetY: number } = { scale: contract.crop.scale, offsetY: contract.crop.offsetY };
/** Border for the tight-crop retry (padding.ts), as a fraction of the photo's longer side. */
export const TIGHT_CROP_PADDING: number = contract.tightCropPadding;
