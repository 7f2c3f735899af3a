// Types of lz4js (CommonJS, without types of its own): the LZ4 frame decoder codecs.ts registers.
declare module "lz4js" {
  /** Decompresses one LZ4 frame into a buffer of `maxSize` bytes; returns the bytes written. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  const lz4: {decompress: typeof decompress};
  export default lz4;
}
