import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZipWriter } from './zip';

describe('ZipWriter', () => {
  it('writes stored entries a ZIP reader lists and extracts byte for byte, with unique safe names', async () => {
    const a = new TextEncoder().encode('hello');
    const b = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const writer = new ZipWriter();
    const when = new Date(2026, 11, 7, 10, 30, 4);
    const names = [writer.add('a.txt', a, when), writer.add('dir/b.bin', b, when), writer.add('a.txt', a, when), writer.add('Zoë.jpg', a, when), writer.add('', a, when)];
    expect(names).toEqual(['a.txt', 'dir_b.bin', 'a-2.txt', 'Zoë.jpg', 'file']);
    const blob = writer.finish();
    expect(blob.type).toBe('application/zip');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(names);
    expect(files['dir_b.bin']).toEqual(b);
    expect(files['a-2.txt']).toEqual(a);
    // Stored, not deflated: the entry's bytes are in the archive as they are.
    expect(bytes.length).toBeGreaterThan(b.length);

    // And another reader agrees (CRC-32 of every entry checked, the UTF-8 name, the date), where the machine has Python.
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    writeFileSync(join(dir, 't.zip'), bytes);
    try {
      const script =
        'import zipfile,sys,json; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps([z.testzip(), z.namelist(), [i.compress_type for i in z.infolist()], list(z.infolist()[0].date_time)]))';
      const [bad, listed, methods, date] = JSON.parse(execFileSync('python3', ['-c', script, join(dir, 't.zip')], { encoding: 'utf8' })) as [string | null, string[], number[], number[]];
      expect(bad).toBeNull();
      expect(listed).toEqual(names);
      expect(methods).toEqual([0, 0, 0, 0, 0]);
      expect(date).toEqual([2026, 12, 7, 10, 30, 4]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  });

  it('an empty archive is a valid one', async () => {
    const bytes = new Uint8Array(await new ZipWriter().finish().arrayBuffer());
    expect(bytes.length).toBe(22); // the end record alone
    expect(unzipSync(bytes)).toEqual({});
  });
});
