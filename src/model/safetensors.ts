// The safetensors format (what PyTorch's `safetensors` reads and writes), for float32 weights:
// 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}} plus optional
// "__metadata__" of strings, then the raw little-endian tensor bytes. Browser-safe (no Node APIs).

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const HEADER_LENGTH_BYTES = 8;
const FLOAT32_BYTES = 4;
/** The header is padded with spaces to a multiple of this, as the reference writer does. */
const HEADER_ALIGN = 8;

/** Encodes float32 tensors (in the given key order) and string metadata. */
export function encodeSafetensors(tensors: Record<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, {shape, data}] of Object.entries(tensors)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`safetensors: ${name} has shape [${shape}] but ${data.length} values`);
    header[name] = {dtype: "F32", shape, data_offsets: [offset, offset + data.length * FLOAT32_BYTES]};
    offset += data.length * FLOAT32_BYTES;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  const jsonBytes = encoder.encode(json);
  json += " ".repeat((HEADER_ALIGN - (jsonBytes.length % HEADER_ALIGN)) % HEADER_ALIGN);
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(HEADER_LENGTH_BYTES + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, HEADER_LENGTH_BYTES);
  let at = HEADER_LENGTH_BYTES + headerBytes.length;
  for (const {data} of Object.values(tensors)) {
    for (let i = 0; i < data.length; i++, at += FLOAT32_BYTES) view.setFloat32(at, data[i], true);
  }
  return out;
}

/** Decodes a safetensors file of float32 tensors; throws a message naming what is wrong. */
export function decodeSafetensors(bytes: Uint8Array): {tensors: Record<string, NamedTensor>; metadata: Record<string, string>} {
  if (bytes.length < HEADER_LENGTH_BYTES) throw new Error("safetensors: file is shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const dataStart = HEADER_LENGTH_BYTES + headerLength;
  if (dataStart > bytes.length) throw new Error(`safetensors: header of ${headerLength} bytes runs past the end of the file`);
  let header: Record<string, {dtype: string; shape: number[]; data_offsets: [number, number]} | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_LENGTH_BYTES, dataStart)));
  } catch {
    throw new Error("safetensors: the header is not valid JSON");
  }
  const {__metadata__: metadata = {}, ...entries} = header as Record<string, never>;
  const tensors: Record<string, NamedTensor> = {};
  for (const [name, entry] of Object.entries(entries) as [string, {dtype: string; shape: number[]; data_offsets: [number, number]}][]) {
    if (entry.dtype !== "F32") throw new Error(`safetensors: ${name} has dtype ${entry.dtype}; only F32 is supported`);
    const [begin, end] = entry.data_offsets;
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== size * FLOAT32_BYTES || dataStart + end > bytes.length) {
      throw new Error(`safetensors: ${name} has shape [${entry.shape}] but data offsets [${begin}, ${end}] do not fit`);
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + begin + i * FLOAT32_BYTES, true);
    tensors[name] = {shape: entry.shape, data};
  }
  return {tensors, metadata};
}
