// Arrow IPC body compression. pyarrow writes Feather LZ4-compressed by default, and IPC streams with LZ4 or
// ZSTD on request; apache-arrow decompresses them through the codecs registered here: lz4js for LZ4 frames,
// fzstd for ZSTD. Each buffer is decompressed into exactly the length the file declares for it (the 8
// bytes Arrow writes before every compressed buffer), which must not exceed MAX_BUFFER_BYTES, and must
// come out at that length; so a corrupt length can neither make the page allocate without bound nor pass
// as data. An LZ4 frame's block sizes are checked to lie inside the buffer before lz4js runs (it reads on
// past the end of a block that claims more bytes than there are).
import {CompressionType, compressionRegistry} from "apache-arrow";
import {decompress as zstdDecompress} from "fzstd";
import lz4 from "lz4js";
import {MAX_BUFFER_BYTES} from "./limits.js";

const LENGTH_PREFIX = 8;
const LZ4_MAGIC = 0x184d2204;
const LZ4_CONTENT_SIZE = 0x08; // frame descriptor flags
const LZ4_BLOCK_CHECKSUM = 0x10;
const LZ4_DICTIONARY_ID = 0x01;
const LZ4_UNCOMPRESSED_BLOCK = 0x80000000;

/** The uncompressed length Arrow declares for a compressed buffer: the 8 bytes right before it. */
function declaredLength(data: Uint8Array): number {
  if (data.byteOffset < LENGTH_PREFIX) throw new Error("a compressed buffer has no length before it");
  const length = new DataView(data.buffer, data.byteOffset - LENGTH_PREFIX, LENGTH_PREFIX).getBigInt64(0, true);
  if (length < 0n || length > BigInt(MAX_BUFFER_BYTES)) throw new Error(`a compressed buffer declares ${length} bytes uncompressed, outside 0–${MAX_BUFFER_BYTES}`);
  return Number(length);
}

function checkLength(out: Uint8Array, length: number, codec: string): Uint8Array {
  if (out.length !== length) throw new Error(`${codec} data decompressed to ${out.length} bytes where the file declares ${length}`);
  return out;
}

/** Every block of an LZ4 frame lies inside the buffer (what lz4js does not check). */
function checkLz4Frame(data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u32 = (at: number) => (at + 4 <= data.length ? view.getUint32(at, true) : -1);
  if (u32(0) !== LZ4_MAGIC) throw new Error("an LZ4 buffer does not start with the LZ4 frame magic number");
  const flags = data[4];
  if (flags & LZ4_DICTIONARY_ID) throw new Error("an LZ4 frame uses a dictionary, which Arrow never writes");
  let at = 4 + 2 + (flags & LZ4_CONTENT_SIZE ? 8 : 0) + 1; // magic, flags and block size, content size, header checksum
  for (;;) {
    const size = u32(at);
    if (size < 0) throw new Error("an LZ4 frame ends before its end mark");
    at += 4;
    if (size === 0) return;
    at += (size & ~LZ4_UNCOMPRESSED_BLOCK) + (flags & LZ4_BLOCK_CHECKSUM ? 4 : 0);
    if (at > data.length) throw new Error("an LZ4 block runs past the end of its buffer");
  }
}

let registered = false;

/** Registers the LZ4 and ZSTD decoders with apache-arrow (once). */
export function registerArrowCodecs(): void {
  if (registered) return;
  registered = true;
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    decode(data) {
      const length = declaredLength(data);
      checkLz4Frame(data);
      return checkLength(lz4.decompress(data, length), length, "LZ4");
    }
  });
  compressionRegistry.set(CompressionType.ZSTD, {
    decode(data) {
      const length = declaredLength(data);
      return checkLength(zstdDecompress(data, new Uint8Array(length)), length, "ZSTD");
    }
  });
}
