/**
 * The list of shipped models, read from models/<id>/model.json: what the app's model picker shows
 * (name, download size, measured accuracy). Served as /models/index.json by the Vite plugin and
 * written into the build, so it can never disagree with the models themselves. The order (the
 * first is the default) is models/catalog.json's; models it does not name follow, smallest first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isModelJson, type ModelEntry, toModelEntry } from '../../src/engine/modelFormat.ts';

export function buildModelIndex(modelsDir: string): ModelEntry[] {
  if (!existsSync(modelsDir)) return [];
  const entries: ModelEntry[] = [];
  for (const id of readdirSync(modelsDir).sort()) {
    const file = join(modelsDir, id, 'model.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const json: unknown = JSON.parse(text);
    if (!isModelJson(json)) continue;
    const entry = toModelEntry(id, json, Buffer.byteLength(text));
    if (entry) entries.push(entry);
  }
  const catalog = join(modelsDir, 'catalog.json');
  const order: string[] = existsSync(catalog) ? ((JSON.parse(readFileSync(catalog, 'utf8')) as { order?: string[] }).order ?? []) : [];
  const rank = (e: ModelEntry) => (order.includes(e.id) ? order.indexOf(e.id) : order.length);
  return entries.sort((a, b) => rank(a) - rank(b) || a.bytes - b.bytes);
}
