/**
 * Add TFLite metadata (the `TFLITE_METADATA` entry that tflite-support's metadata writer produces)
 * to an image model, and read it back.
 *
 * Why: MediaPipe's tasks-vision FaceDetector only accepts a float model whose metadata says how to
 * normalise the input image ("requires specifying NormalizationOptions metadata"). The face
 * detector shipped by the Apache-2.0 package @mediapipe/face_detection is the right network but
 * carries no such metadata, so we add it ourselves at asset-preparation time.
 *
 * How (see addImageMetadata): the original model is copied verbatim into the new file, and a new
 * root `Model` table is written in front of it. The new root points at the copy's own
 * operator_codes / subgraphs / description / metadata_buffer / signature_defs, and at two rebuilt
 * vectors: `buffers` (the copy's Buffer tables plus one holding the ModelMetadata flatbuffer) and
 * `metadata` (the copy's entries plus `TFLITE_METADATA`). Flatbuffer offsets are relative and
 * point forward, so the copied bytes stay valid wherever they land, as long as the copy keeps its
 * alignment (it is placed at a 16-byte boundary) and the new data sits before it. Nothing in the
 * graph or the weights is re-encoded, which is what makes this safe for any TFLite model (no need
 * to understand tensors, quantisation or the builtin-options unions).
 *
 * Pure functions: no file system access. Schema field ids are from tensorflow/lite/schema and
 * tflite-support's metadata_schema.fbs.
 */
import { Builder, ByteBuffer } from 'flatbuffers';

/** Field ids of the TFLite `Model` root table. */
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4, metadataBuffer: 5, metadata: 6, signatureDefs: 7 } as const;
/** Model fields that hold an offset (everything but `version`); these are re-pointed into the copy. */
const MODEL_OFFSET_FIELDS = [MODEL.operatorCodes, MODEL.subgraphs, MODEL.description, MODEL.metadataBuffer, MODEL.signatureDefs] as const;
const MODEL_FIELD_COUNT = 8;
const BUFFER = { data: 0, offset: 1, size: 2 } as const;
const METADATA = { name: 0, buffer: 1 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2 } as const;

/** tflite-support metadata schema (metadata_schema.fbs). */
const MODEL_METADATA = { name: 0, description: 1, version: 2, subgraphMetadata: 3, author: 4, license: 5, associatedFiles: 6, minParserVersion: 7 } as const;
const SUBGRAPH_METADATA = { name: 0, description: 1, inputTensorMetadata: 2, outputTensorMetadata: 3 } as const;
const TENSOR_METADATA = { name: 0, description: 1, dimensionNames: 2, content: 3, processUnits: 4, stats: 5 } as const;
const CONTENT = { propertiesType: 0, properties: 1, range: 2 } as const;
const IMAGE_PROPERTIES = { colorSpace: 0, defaultSize: 1 } as const;
const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
const NORMALIZATION_OPTIONS = { mean: 0, std: 1 } as const;
/** Union tags and enums used here. */
const CONTENT_PROPERTIES_IMAGE = 2;
const PROCESS_UNIT_NORMALIZATION = 1;
const COLOR_SPACES = ['UNKNOWN', 'RGB', 'GRAYSCALE'] as const;
export type ColorSpace = (typeof COLOR_SPACES)[number];

const TFLITE_IDENTIFIER = 'TFL3';
const METADATA_IDENTIFIER = 'M001';
/** The name under which TFLite (and MediaPipe's ModelMetadataExtractor) look for the metadata. */
export const METADATA_NAME = 'TFLITE_METADATA';
/** TFLite aligns Buffer.data to 16 bytes; keeping the copy on a 16-byte boundary keeps every
 *  alignment the original had. */
const ALIGN = 16;

export interface ImageMetadataOptions {
  name: string;
  description?: string;
  version?: string;
  author?: string;
  license?: string;
  /** Per-channel (or one shared) normalisation: input = (pixel - mean) / std. */
  mean: number[];
  std: number[];
  /** Colour space of the input image (default RGB). */
  colorSpace?: Exclude<ColorSpace, 'UNKNOWN'>;
  /** Name of the single input tensor (default `image`). */
  inputName?: string;
  /** One name per output tensor of subgraph 0, in order. */
  outputNames: string[];
  /** Lowest metadata parser version that understands this metadata (default 1.0.0: image
   *  properties and normalisation options are in the first schema version). */
  minParserVersion?: string;
}

export interface InputMetadata {
  name: string | null;
  colorSpace: ColorSpace | null;
  mean: number[] | null;
  std: number[] | null;
}

export interface ImageModelMetadata {
  name: string | null;
  description: string | null;
  version: string | null;
  author: string | null;
  license: string | null;
  minParserVersion: string | null;
  inputs: InputMetadata[];
  outputNames: (string | null)[];
}

/** A read-only view of one flatbuffer table: `pos` is its absolute position in `bb`. */
export class Table {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
  ) {}

  /** Offset of field `id` inside the table, 0 when absent (per the vtable). */
  private field(id: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * id);
  }

  has(id: number): boolean {
    return this.field(id) !== 0;
  }

  /** Ids of the fields present in this table, including ids this code does not know. */
  presentFields(): number[] {
    const vtable = this.pos - this.bb.readInt32(this.pos);
    const count = (this.bb.readUint16(vtable) - 4) / 2;
    return Array.from({ length: count }, (_, id) => id).filter((id) => this.has(id));
  }

  uint8(id: number, fallback = 0): number {
    const o = this.field(id);
    return o ? this.bb.readUint8(this.pos + o) : fallback;
  }

  int8(id: number, fallback = 0): number {
    const o = this.field(id);
    return o ? this.bb.readInt8(this.pos + o) : fallback;
  }

  uint32(id: number, fallback = 0): number {
    const o = this.field(id);
    return o ? this.bb.readUint32(this.pos + o) : fallback;
  }

  uint64(id: number): bigint {
    const o = this.field(id);
    return o ? this.bb.readUint64(this.pos + o) : 0n;
  }

  /** Absolute position of the object (table, vector or string) field `id` points at. */
  target(id: number): number | null {
    const o = this.field(id);
    return o ? this.bb.__indirect(this.pos + o) : null;
  }

  string(id: number): string | null {
    const o = this.field(id);
    return o ? (this.bb.__string(this.pos + o) as string) : null;
  }

  table(id: number): Table | null {
    const at = this.target(id);
    return at === null ? null : new Table(this.bb, at);
  }

  /** [position of the first element, element count] of a vector field, or null. */
  private vector(id: number): [number, number] | null {
    const o = this.field(id);
    return o ? [this.bb.__vector(this.pos + o), this.bb.__vector_len(this.pos + o)] : null;
  }

  tables(id: number): Table[] {
    const v = this.vector(id);
    if (!v) return [];
    const [start, length] = v;
    return Array.from({ length }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }

  floats(id: number): number[] | null {
    const v = this.vector(id);
    return v ? Array.from({ length: v[1] }, (_, i) => this.bb.readFloat32(v[0] + 4 * i)) : null;
  }

  int32s(id: number): number[] | null {
    const v = this.vector(id);
    return v ? Array.from({ length: v[1] }, (_, i) => this.bb.readInt32(v[0] + 4 * i)) : null;
  }

  /** A ubyte vector as a view on the underlying bytes (no copy). */
  bytes(id: number): Uint8Array | null {
    const v = this.vector(id);
    return v ? this.bb.bytes().subarray(v[0], v[0] + v[1]) : null;
  }
}

function rootTable(bytes: Uint8Array, identifier: string, what: string): Table {
  if (bytes.length < 8) throw new Error(`${what}: too short to be a flatbuffer (${bytes.length} bytes)`);
  const bb = new ByteBuffer(bytes);
  const found = bb.getBufferIdentifier();
  if (found !== identifier) throw new Error(`${what}: file identifier is ${JSON.stringify(found)}, expected ${identifier}`);
  return new Table(bb, bb.readInt32(0));
}

/** The root `Model` table of a TFLite flatbuffer (throws when the bytes are not a TFLite model). */
export function readModelRoot(model: Uint8Array): Table {
  return rootTable(model, TFLITE_IDENTIFIER, 'TFLite model');
}

function findMetadataEntry(root: Table, name: string): Table | undefined {
  return root.tables(MODEL.metadata).find((entry) => entry.string(METADATA.name) === name);
}

/** Returns a new TFLite model: `model` plus a TFLITE_METADATA entry describing an image input
 *  (colour space, normalisation) and naming the outputs. Throws when the model already has one. */
export function addImageMetadata(model: Uint8Array, opts: ImageMetadataOptions): Uint8Array {
  const root = readModelRoot(model);
  checkCopyable(root);
  if (findMetadataEntry(root, METADATA_NAME)) {
    throw new Error(`TFLite model already has ${METADATA_NAME} metadata; refusing to add a second entry`);
  }
  const subgraph = root.tables(MODEL.subgraphs)[0];
  if (!subgraph) throw new Error('TFLite model has no subgraph');
  const inputCount = subgraph.int32s(SUBGRAPH.inputs)?.length ?? 0;
  const outputCount = subgraph.int32s(SUBGRAPH.outputs)?.length ?? 0;
  if (inputCount !== 1) throw new Error(`expected an image model with one input tensor, found ${inputCount}`);
  if (opts.outputNames.length !== outputCount) {
    throw new Error(`model has ${outputCount} output tensors but ${opts.outputNames.length} output names were given`);
  }
  checkNormalisation(opts.mean, opts.std);

  const metadataBytes = buildModelMetadata(opts);
  const oldBuffers = root.tables(MODEL.buffers);
  const oldEntries = root.tables(MODEL.metadata);

  // The Builder writes back to front: what is added first ends up last in the file. So the
  // original model goes in first (it must sit after everything that points into it).
  const b = new Builder(model.length + metadataBytes.length + 1024);
  // Builder offsets count from the end of the buffer, so byte `p` of the copy is at copyStart - p
  // (the copy's data starts 4 bytes after the vector's length prefix, i.e. 4 closer to the end).
  const copyStart = addAlignedBytes(b, model) - 4;
  const inCopy = (position: number) => copyStart - position;

  const metadataData = addAlignedBytes(b, metadataBytes);
  b.startObject(3);
  b.addFieldOffset(BUFFER.data, metadataData, 0);
  const metadataBuffer = b.endObject();

  const entryName = b.createString(METADATA_NAME);
  b.startObject(2);
  b.addFieldOffset(METADATA.name, entryName, 0);
  b.addFieldInt32(METADATA.buffer, oldBuffers.length, 0); // the index of the Buffer appended below
  const metadataEntry = b.endObject();

  const buffers = offsetVector(b, [...oldBuffers.map((t) => inCopy(t.pos)), metadataBuffer]);
  const entries = offsetVector(b, [...oldEntries.map((t) => inCopy(t.pos)), metadataEntry]);

  b.startObject(MODEL_FIELD_COUNT);
  b.addFieldInt32(MODEL.version, root.uint32(MODEL.version), 0);
  for (const id of MODEL_OFFSET_FIELDS) {
    const at = root.target(id);
    if (at !== null) b.addFieldOffset(id, inCopy(at), 0);
  }
  b.addFieldOffset(MODEL.buffers, buffers, 0);
  b.addFieldOffset(MODEL.metadata, entries, 0);
  b.finish(b.endObject(), TFLITE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** The copy-and-re-root approach is only sound when every field is understood and nothing in the
 *  model holds an absolute file position. */
function checkCopyable(root: Table): void {
  const unknown = root.presentFields().filter((id) => id >= MODEL_FIELD_COUNT);
  if (unknown.length) throw new Error(`TFLite Model has fields this code does not know (ids ${unknown.join(', ')}); not copying it blindly`);
  // Buffer.offset/size (models over 2 GB) are absolute file positions, which moving the copy breaks.
  root.tables(MODEL.buffers).forEach((buffer, i) => {
    if (buffer.uint64(BUFFER.offset) !== 0n || buffer.uint64(BUFFER.size) !== 0n) {
      throw new Error(`TFLite buffer ${i} stores its data outside the flatbuffer (offset/size); not supported`);
    }
  });
}

function checkNormalisation(mean: number[], std: number[]): void {
  if (mean.length === 0 || mean.length !== std.length) throw new Error('mean and std must be non-empty and of equal length');
  if (![...mean, ...std].every(Number.isFinite) || std.some((s) => s === 0)) throw new Error('mean/std must be finite and std non-zero');
}

/** Writes `bytes` as a ubyte vector whose data starts on a 16-byte boundary (createByteVector
 *  only aligns to 1); returns the vector's Builder offset. startVector reserves the room. */
function addAlignedBytes(b: Builder, bytes: Uint8Array): number {
  b.startVector(1, bytes.length, ALIGN);
  for (let i = bytes.length - 1; i >= 0; i--) b.writeInt8(bytes[i]!);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function floatVector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

/** The ModelMetadata flatbuffer (identifier M001) that goes into the TFLITE_METADATA buffer. */
function buildModelMetadata(opts: ImageMetadataOptions): Uint8Array {
  const b = new Builder(1024);
  const str = (s: string | undefined) => (s === undefined ? 0 : b.createString(s));

  // Input: an image, normalised as (pixel - mean) / std.
  const mean = floatVector(b, opts.mean);
  const std = floatVector(b, opts.std);
  b.startObject(2);
  b.addFieldOffset(NORMALIZATION_OPTIONS.mean, mean, 0);
  b.addFieldOffset(NORMALIZATION_OPTIONS.std, std, 0);
  const normalization = b.endObject();
  b.startObject(2);
  b.addFieldInt8(PROCESS_UNIT.optionsType, PROCESS_UNIT_NORMALIZATION, 0);
  b.addFieldOffset(PROCESS_UNIT.options, normalization, 0);
  const processUnits = offsetVector(b, [b.endObject()]);

  b.startObject(2);
  b.addFieldInt8(IMAGE_PROPERTIES.colorSpace, COLOR_SPACES.indexOf(opts.colorSpace ?? 'RGB'), 0);
  const imageProperties = b.endObject();
  b.startObject(3);
  b.addFieldInt8(CONTENT.propertiesType, CONTENT_PROPERTIES_IMAGE, 0);
  b.addFieldOffset(CONTENT.properties, imageProperties, 0);
  const content = b.endObject();

  const inputName = str(opts.inputName ?? 'image');
  b.startObject(6);
  b.addFieldOffset(TENSOR_METADATA.name, inputName, 0);
  b.addFieldOffset(TENSOR_METADATA.content, content, 0);
  b.addFieldOffset(TENSOR_METADATA.processUnits, processUnits, 0);
  const input = b.endObject();

  // Outputs: names only (the detector's post-processing is configured by MediaPipe, not metadata).
  const outputs = opts.outputNames.map((name) => {
    const nameOffset = str(name);
    b.startObject(6);
    b.addFieldOffset(TENSOR_METADATA.name, nameOffset, 0);
    return b.endObject();
  });

  const inputVector = offsetVector(b, [input]);
  const outputVector = offsetVector(b, outputs);
  b.startObject(4);
  b.addFieldOffset(SUBGRAPH_METADATA.inputTensorMetadata, inputVector, 0);
  b.addFieldOffset(SUBGRAPH_METADATA.outputTensorMetadata, outputVector, 0);
  const subgraphs = offsetVector(b, [b.endObject()]);

  const name = str(opts.name);
  const description = str(opts.description);
  const version = str(opts.version);
  const author = str(opts.author);
  const license = str(opts.license);
  const minParserVersion = str(opts.minParserVersion ?? '1.0.0');
  b.startObject(8);
  b.addFieldOffset(MODEL_METADATA.name, name, 0);
  b.addFieldOffset(MODEL_METADATA.description, description, 0);
  b.addFieldOffset(MODEL_METADATA.version, version, 0);
  b.addFieldOffset(MODEL_METADATA.subgraphMetadata, subgraphs, 0);
  b.addFieldOffset(MODEL_METADATA.author, author, 0);
  b.addFieldOffset(MODEL_METADATA.license, license, 0);
  b.addFieldOffset(MODEL_METADATA.minParserVersion, minParserVersion, 0);
  b.finish(b.endObject(), METADATA_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** What the model's TFLITE_METADATA says, or null when it has none. Reads subgraph 0 only. */
export function readModelMetadata(model: Uint8Array): ImageModelMetadata | null {
  const root = readModelRoot(model);
  const entry = findMetadataEntry(root, METADATA_NAME);
  if (!entry) return null;
  const index = entry.uint32(METADATA.buffer);
  const data = root.tables(MODEL.buffers)[index]?.bytes(BUFFER.data);
  if (!data) throw new Error(`${METADATA_NAME} points at buffer ${index}, which has no data`);

  const meta = rootTable(data, METADATA_IDENTIFIER, METADATA_NAME);
  const subgraph = meta.tables(MODEL_METADATA.subgraphMetadata)[0];
  const inputs = (subgraph?.tables(SUBGRAPH_METADATA.inputTensorMetadata) ?? []).map((tensor): InputMetadata => {
    const content = tensor.table(TENSOR_METADATA.content);
    const isImage = content?.uint8(CONTENT.propertiesType) === CONTENT_PROPERTIES_IMAGE;
    const colorSpace = isImage ? (COLOR_SPACES[content.table(CONTENT.properties)?.int8(IMAGE_PROPERTIES.colorSpace) ?? 0] ?? 'UNKNOWN') : null;
    const normalization = tensor
      .tables(TENSOR_METADATA.processUnits)
      .find((unit) => unit.uint8(PROCESS_UNIT.optionsType) === PROCESS_UNIT_NORMALIZATION)
      ?.table(PROCESS_UNIT.options);
    return {
      name: tensor.string(TENSOR_METADATA.name),
      colorSpace,
      mean: normalization?.floats(NORMALIZATION_OPTIONS.mean) ?? null,
      std: normalization?.floats(NORMALIZATION_OPTIONS.std) ?? null,
    };
  });
  return {
    name: meta.string(MODEL_METADATA.name),
    description: meta.string(MODEL_METADATA.description),
    version: meta.string(MODEL_METADATA.version),
    author: meta.string(MODEL_METADATA.author),
    license: meta.string(MODEL_METADATA.license),
    minParserVersion: meta.string(MODEL_METADATA.minParserVersion),
    inputs,
    outputNames: (subgraph?.tables(SUBGRAPH_METADATA.outputTensorMetadata) ?? []).map((t) => t.string(TENSOR_METADATA.name)),
  };
}
