import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { describe, it, expect } from 'vitest';
import { addImageMetadata, readModelMetadata, type ImageMetadataOptions } from './tflite-metadata.ts';

const source = resolve(import.meta.dirname, '../../node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const original = new Uint8Array(readFileSync(source));
const options: ImageMetadataOptions = {
  name: 'Face detector (short range)',
  description: 'test',
  version: '1',
  author: 'test author',
  license: 'Apache-2.0',
  mean: [127.5],
  std: [127.5],
  outputNames: ['regressors', 'classificators'],
};

/** A deliberately independent, minimal reader of the TFLite schema (not the module's own Table),
 *  so the structure checks below do not trust the code under test. */
function tflite(bytes: Uint8Array) {
  const bb = new ByteBuffer(bytes);
  const field = (table: number, id: number) => bb.__offset(table, 4 + 2 * id);
  const tables = (table: number, id: number): number[] => {
    const o = field(table, id);
    if (!o) return [];
    const start = bb.__vector(table + o);
    return Array.from({ length: bb.__vector_len(table + o) }, (_, i) => bb.__indirect(start + 4 * i));
  };
  const bytesOf = (table: number, id: number): { at: number; data: Uint8Array } | null => {
    const o = field(table, id);
    if (!o) return null;
    const at = bb.__vector(table + o);
    return { at, data: bytes.subarray(at, at + bb.__vector_len(table + o)) };
  };
  const ints = (table: number, id: number): number[] => {
    const v = bytesOf(table, id);
    return v ? Array.from({ length: v.data.length }, (_, i) => bb.readInt32(v.at + 4 * i)) : [];
  };
  const str = (table: number, id: number) => (field(table, id) ? (bb.__string(table + field(table, id)) as string) : null);
  const root = bb.readInt32(0);
  const subgraphs = tables(root, 2).map((sg) => ({
    tensors: tables(sg, 0).map((t) => ({ shape: ints(t, 0), type: field(t, 1) ? bb.readInt8(t + field(t, 1)) : 0, buffer: field(t, 2) ? bb.readUint32(t + field(t, 2)) : 0, name: str(t, 3) })),
    inputs: ints(sg, 1),
    outputs: ints(sg, 2),
    operators: tables(sg, 3).map((op) => ({
      opcode: field(op, 0) ? bb.readUint32(op + field(op, 0)) : 0,
      inputs: ints(op, 1),
      outputs: ints(op, 2),
      optionsType: field(op, 3) ? bb.readUint8(op + field(op, 3)) : 0,
    })),
  }));
  return {
    identifier: bb.getBufferIdentifier(),
    version: field(root, 0) ? bb.readUint32(root + field(root, 0)) : 0,
    description: str(root, 3),
    operatorCodes: tables(root, 1).length,
    subgraphs,
    buffers: tables(root, 4).map((b) => bytesOf(b, 0)),
    metadataBuffer: ints(root, 5),
    metadata: tables(root, 6).map((m) => ({ name: str(m, 0), buffer: bb.readUint32(m + field(m, 1)) })),
  };
}

describe('addImageMetadata / readModelMetadata', () => {
  const withMetadata = addImageMetadata(original, options);

  it('the packaged detector has no metadata (the reason this module exists)', () => {
    expect(readModelMetadata(original)).toBeNull();
    expect(tflite(original).metadata).toEqual([]);
  });

  it('produces a TFLite flatbuffer whose metadata describes the RGB input normalisation and the outputs', () => {
    expect(new TextDecoder().decode(withMetadata.subarray(4, 8))).toBe('TFL3');
    expect(withMetadata.length % 16).toBe(0);
    expect(readModelMetadata(withMetadata)).toEqual({
      name: 'Face detector (short range)',
      description: 'test',
      version: '1',
      author: 'test author',
      license: 'Apache-2.0',
      minParserVersion: '1.0.0',
      inputs: [{ name: 'image', colorSpace: 'RGB', mean: [127.5], std: [127.5] }],
      outputNames: ['regressors', 'classificators'],
    });
  });

  it('appends exactly one buffer holding an M001 flatbuffer, named TFLITE_METADATA, 16-byte aligned', () => {
    const before = tflite(original);
    const after = tflite(withMetadata);
    expect(after.buffers).toHaveLength(before.buffers.length + 1);
    expect(after.metadata).toEqual([{ name: 'TFLITE_METADATA', buffer: before.buffers.length }]);
    const added = after.buffers.at(-1)!;
    expect(added.at % 16).toBe(0);
    expect(new TextDecoder().decode(added.data.subarray(4, 8))).toBe('M001');
  });

  it('keeps every original buffer byte-identical and at its original alignment', () => {
    const before = tflite(original).buffers;
    const after = tflite(withMetadata).buffers;
    before.forEach((buffer, i) => {
      if (buffer === null) return expect(after[i]).toBeNull();
      expect(Buffer.compare(after[i]!.data, buffer.data), `buffer ${i}`).toBe(0);
      expect(after[i]!.at % 16).toBe(buffer.at % 16);
    });
  });

  it('keeps the graph: version, description, operator codes, tensors, operators, legacy metadata_buffer', () => {
    const { buffers: _b, metadata: _m, ...before } = tflite(original);
    const { buffers: _b2, metadata: _m2, ...after } = tflite(withMetadata);
    expect(before.subgraphs[0]!.tensors.length).toBeGreaterThan(100);
    expect(before.subgraphs[0]!.operators.length).toBeGreaterThan(50);
    expect(before.version).toBe(3);
    expect(after).toEqual(before);
  });

  it('refuses to add the metadata twice', () => {
    expect(() => addImageMetadata(withMetadata, options)).toThrow(/already has TFLITE_METADATA/);
  });

  it('rejects inputs it cannot describe correctly', () => {
    expect(() => addImageMetadata(original, { ...options, outputNames: ['regressors'] })).toThrow(/2 output tensors/);
    expect(() => addImageMetadata(original, { ...options, std: [0] })).toThrow(/std/);
    expect(() => addImageMetadata(original, { ...options, mean: [127.5, 127.5] })).toThrow(/equal length/);
    const notTflite = original.slice();
    notTflite.set([0x58, 0x58, 0x58, 0x58], 4);
    expect(() => addImageMetadata(notTflite, options)).toThrow(/TFL3/);
  });

  it('is deterministic (same input, same bytes)', () => {
    expect(Buffer.compare(addImageMetadata(original, options), withMetadata)).toBe(0);
  });
});
