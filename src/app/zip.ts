/**
 * A ZIP archive written entry by entry, as the entries are made (fflate's streaming `Zip`):
 * "stored" entries only, since they are JPEGs, already compressed. The archive's parts go straight
 * into the Blob, so a batch's photos are held once, not once as entries and again as one array.
 * What is ours: the names (unique, no folders or absolute paths from user file names).
 */
import { Zip, ZipPassThrough } from 'fflate';

export class ZipWriter {
  private readonly parts: Uint8Array[] = [];
  private readonly used = new Set<string>();
  private failure: Error | null = null;
  private readonly zip = new Zip((err, chunk) => {
    if (err) this.failure ??= err;
    else this.parts.push(chunk);
  });

  /** Adds one file; a name already used gets -2, -3… before its extension. Returns the name written. */
  add(name: string, data: Uint8Array, modified = new Date()): string {
    let safe = name.replace(/[\\/]/g, '_') || 'file';
    for (let k = 2; this.used.has(safe); k++) safe = name.replace(/[\\/]/g, '_').replace(/(\.[^.]*)?$/, (ext) => `-${k}${ext}`);
    this.used.add(safe);
    const file = new ZipPassThrough(safe);
    file.mtime = modified;
    this.zip.add(file);
    file.push(data, true);
    this.check();
    return safe;
  }

  /** Ends the archive; nothing can be added after. */
  finish(): Blob {
    this.zip.end();
    this.check();
    return new Blob(this.parts as Uint8Array<ArrayBuffer>[], { type: 'application/zip' });
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
