/**
 * A model as a model list shows it (the app's picker reads them from models/index.json, which
 * scripts/lib/models-index.ts builds with modelFormat.ts toModelEntry), and the name to show for
 * one. No TF.js here, not even a type: the library's declarations must stand on their own.
 */

/** One shipped model as the picker lists it (served as /models/index.json). */
export interface ModelEntry {
  id: string;
  name: string;
  url: string;
  bytes: number;
  variant: string;
  parameters: number;
  quantization: string;
  /** FER2013 PrivateTest accuracy measured for this export, if known. */
  accuracy?: number;
  macroF1?: number;
  /** CK+48 7-way accuracy (faces from another database), if measured. */
  crossAccuracy?: number;
  /** The model's mean reading of neutral faces, app class order (its card's baseline.neutral): the
   *  reference a face's own resting face is read against (baseline.ts). Absent: no resting-face reading. */
  restingReference?: number[];
}

/**
 * The name to show for model `id` (the picker's, the files', the notices'): its entry's name, else
 * the id itself, else '' when no model is known. The one lookup; callers pass the list they hold.
 */
export function modelName(models: readonly Pick<ModelEntry, 'id' | 'name'>[], id: string | null | undefined): string {
  if (!id) return '';
  return models.find((m) => m.id === id)?.name ?? id;
}
