/**
 * `npm run prepare-data` end to end on committed photos (e2e/fixtures, see NOTICE.md there; never
 * research data): the app's detector in headless Chromium finds a face in an ordinary webcam frame
 * as is and a tight face crop only on the padded retry, a second copy of one photo under another
 * person's name is dropped as a duplicate, --align records each face's roll and says so in
 * preparation.json, and a folder cut one way is never topped up the other way.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'e2e', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'prepare-data-'));
const data = join(tmp, 'data');
const out = join(tmp, 'faces');

function place(fixture: string, label: string, name: string) {
  mkdirSync(join(data, 'muxspace', label), { recursive: true });
  copyFileSync(join(FIXTURES, fixture), join(data, 'muxspace', label, name));
}

const run = (...extra: string[]) =>
  spawnSync('npx', ['tsx', 'scripts/prepare-data.ts', '--data', data, '--out', out, '--sources', 'muxspace', ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('prepare-data', () => {
  it('finds ordinary and tight faces, drops a duplicate, and records the roll of aligned crops', () => {
    place('webcam-c12-00.jpg', 'neutral', 'Webcam_Person_0001.jpg');
    place('webcam-c12-00.jpg', 'neutral', 'Another_Person_0001.jpg'); // the same photo again
    place('tight-face.jpg', 'happy', 'Tight_Face_0001.jpg');
    const first = run('--align');
    expect(first.status, first.stderr).toBe(0);
    const [header, ...rows] = readFileSync(join(out, 'muxspace', 'index.csv'), 'utf8')
      .trim()
      .split(/\r?\n/);
    const cols = (header as string).split(',');
    const byName = new Map(rows.map((r) => [r.split(',')[1]?.replaceAll('"', '').split('/')[1], Object.fromEntries(r.split(',').map((v, i) => [cols[i], v]))]));
    expect(byName.get('Webcam_Person_0001.jpg')?.status).toBe('found');
    expect(byName.get('Tight_Face_0001.jpg')?.status).toBe('padded');
    for (const r of byName.values()) expect(Number.isFinite(Number(r.roll))).toBe(true);
    expect(statSync(join(out, 'muxspace', 'gray64.u8')).size).toBe(3 * 64 * 64);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { muxspace: { duplicates_dropped: number; missed: number } };
    expect(manifest.muxspace.duplicates_dropped).toBe(1);
    expect(manifest.muxspace.missed).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'preparation.json'), 'utf8'))).toMatchObject({ align: true });

    const mixed = run(); // straight crops into the aligned folder: refused, nothing written
    expect(mixed.status).not.toBe(0);
    expect(mixed.stderr).toMatch(/prepared with --align; give another --out/);
    expect(JSON.parse(readFileSync(join(out, 'preparation.json'), 'utf8'))).toMatchObject({ align: true });
  }, 300_000);
});
