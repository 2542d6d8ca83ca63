import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, zip } from './zip';

describe('zip', () => {
  it('CRC-32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes stored entries a ZIP reader lists and extracts byte for byte, with unique safe names', () => {
    const a = new TextEncoder().encode('hello');
    const b = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const bytes = zip([{ name: 'a.txt', data: a }, { name: 'dir/b.bin', data: b }, { name: 'a.txt', data: a }]);
    const view = new DataView(bytes.buffer);
    const end = bytes.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(3);
    // Walk the central directory: names and the data each local header points at.
    let at = view.getUint32(end + 16, true);
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const len = view.getUint16(at + 28, true);
      const local = view.getUint32(at + 42, true);
      names.push(new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + len)));
      const size = view.getUint32(at + 20, true);
      const dataAt = local + 30 + view.getUint16(local + 26, true);
      expect(crc32(bytes.subarray(dataAt, dataAt + size))).toBe(view.getUint32(at + 16, true));
      at += 46 + len;
    }
    expect(names).toEqual(['a.txt', 'dir_b.bin', 'a-2.txt']);
    // And a real unzip agrees, where the machine has one.
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    writeFileSync(join(dir, 't.zip'), bytes);
    try {
      const listing = execFileSync('python3', ['-c', 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(",".join(z.namelist()))', join(dir, 't.zip')], { encoding: 'utf8' });
      expect(listing.trim().split('\n')).toEqual(['None', 'a.txt,dir_b.bin,a-2.txt']);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  });
});
