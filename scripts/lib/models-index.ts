/**
 * The list of shipped models, read from models/<id>/model.json: what the app's model picker shows
 * (name, download size, measured accuracy). Served as /models/index.json by the Vite plugin and
 * written into the build, so it can never disagree with the models themselves.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelEntry } from '../../src/state/store.ts';

interface Meta {
  name?: string;
  weightBytes?: number;
  quantization?: string;
  architecture?: { variant?: string; exportedParameters?: number };
  metrics?: { splits?: Record<string, { accuracy?: number; macro_f1?: number }> };
}

export function buildModelIndex(modelsDir: string): ModelEntry[] {
  if (!existsSync(modelsDir)) return [];
  const entries: ModelEntry[] = [];
  for (const id of readdirSync(modelsDir).sort()) {
    const file = join(modelsDir, id, 'model.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as { userDefinedMetadata?: { resemote?: Meta } };
    const meta = json.userDefinedMetadata?.resemote;
    if (!meta) continue;
    const private_ = meta.metrics?.splits?.PrivateTest;
    entries.push({
      id,
      name: meta.name ?? id,
      url: `models/${id}/model.json`,
      bytes: (meta.weightBytes ?? 0) + Buffer.byteLength(readFileSync(file)),
      variant: meta.architecture?.variant ?? 'unknown',
      parameters: meta.architecture?.exportedParameters ?? 0,
      quantization: meta.quantization ?? 'unknown',
      accuracy: private_?.accuracy,
      macroF1: private_?.macro_f1,
    });
  }
  // Smallest first: the default is the one that loads and runs fastest.
  return entries.sort((a, b) => a.bytes - b.bytes);
}
