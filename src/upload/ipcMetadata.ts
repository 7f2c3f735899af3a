// Arrow IPC metadata is checked before apache-arrow decodes it: apache-arrow loops over each flatbuffer
// vector (a schema's fields, a field's children, custom metadata, a batch's nodes and buffers) as long as
// the file says it is, so one corrupt length makes it loop billions of times and allocate as it goes. Here
// the messages are walked (the stream in order, or a file's footer and the blocks it points to) with the
// generated flatbuffer readers apache-arrow ships, and every vector must fit in its message, a field tree
// must be at most MAX_DEPTH deep and hold no more fields than its message has bytes. Throws with a reason;
// the caller turns that into a "corrupt" message. Pure.
import {ByteBuffer} from "flatbuffers";
import {DictionaryBatch} from "apache-arrow/fb/dictionary-batch";
import type {Field} from "apache-arrow/fb/field";
import {Footer} from "apache-arrow/fb/footer";
import {Message} from "apache-arrow/fb/message";
import {MessageHeader} from "apache-arrow/fb/message-header";
import {RecordBatch} from "apache-arrow/fb/record-batch";
import {Schema} from "apache-arrow/fb/schema";
import {MAX_BUFFER_BYTES} from "./limits.js";

const CONTINUATION = -1;
const PREFIX = 4;
const FILE_MAGIC_PADDED = 8; // "ARROW1" and two bytes of padding
const FILE_TAIL = 10; // footer length and "ARROW1"
const MAX_DEPTH = 64;
const BITS = 8;

function fits(length: number, bb: ByteBuffer, what: string): void {
  if (!(length >= 0 && length <= bb.capacity())) throw new Error(`${what} declares ${length} entries in ${bb.capacity()} bytes of metadata`);
}

function checkField(field: Field | null, bb: ByteBuffer, depth: number, budget: {fields: number}): void {
  if (!field) return;
  if (depth > MAX_DEPTH) throw new Error(`the schema nests fields more than ${MAX_DEPTH} deep`);
  if (--budget.fields < 0) throw new Error("the schema holds more fields than its metadata has bytes");
  fits(field.childrenLength(), bb, "a field's children");
  fits(field.customMetadataLength(), bb, "a field's metadata");
  for (let i = 0; i < field.childrenLength(); i++) checkField(field.children(i), bb, depth + 1, budget);
}

function checkSchema(schema: Schema | null, bb: ByteBuffer): void {
  if (!schema) return;
  fits(schema.fieldsLength(), bb, "the schema");
  fits(schema.customMetadataLength(), bb, "the schema's metadata");
  fits(schema.featuresLength(), bb, "the schema's features");
  const budget = {fields: bb.capacity()};
  for (let i = 0; i < schema.fieldsLength(); i++) checkField(schema.fields(i), bb, 0, budget);
}

/**
 * A batch's row count and every node's length must be what its body can hold: at least a bit per row
 * (validity or value) of the body, or of MAX_BUFFER_BYTES per buffer when the body is compressed; and a
 * node's null count within its length. apache-arrow pads columns shorter than their batch with allocated
 * validity bits, so an unchecked length of 2³² rows allocates and fills half a gigabyte.
 */
function checkBatch(batch: RecordBatch | null, bb: ByteBuffer, body: number): void {
  if (!batch) return;
  fits(batch.nodesLength(), bb, "a record batch's nodes");
  fits(batch.buffersLength(), bb, "a record batch's buffers");
  fits(batch.variadicBufferCountsLength(), bb, "a record batch's buffer counts");
  const bits = BITS * (batch.compression() ? MAX_BUFFER_BYTES * Math.max(1, batch.buffersLength()) : body);
  const rows = Number(batch.length());
  if (!(rows >= 0 && rows <= bits)) throw new Error(`a record batch declares ${rows} rows in a body of ${body} bytes`);
  for (let i = 0; i < batch.nodesLength(); i++) {
    const node = batch.nodes(i);
    const length = Number(node?.length() ?? 0);
    const nulls = Number(node?.nullCount() ?? 0);
    if (!(length >= 0 && length <= bits && nulls >= 0 && nulls <= length)) throw new Error(`a column of a record batch declares ${length} values (${nulls} null) in a body of ${body} bytes`);
  }
}

/** Checks the message at `at` (continuation, length, flatbuffer); returns where the next one starts, or -1 at the end mark. */
function checkMessage(bytes: Uint8Array, view: DataView, at: number): number {
  if (at + PREFIX > bytes.length) throw new Error("a message starts past the end of the file");
  let length = view.getInt32(at, true);
  if (length === CONTINUATION) {
    at += PREFIX;
    if (at + PREFIX > bytes.length) throw new Error("a message starts past the end of the file");
    length = view.getInt32(at, true);
  }
  at += PREFIX;
  if (length === 0) return -1;
  if (length < 0 || at + length > bytes.length) throw new Error(`a message declares ${length} bytes of metadata where ${bytes.length - at} remain`);
  const bb = new ByteBuffer(bytes.subarray(at, at + length));
  const message = Message.getRootAsMessage(bb);
  fits(message.customMetadataLength(), bb, "a message's metadata");
  const type = message.headerType();
  if (type !== MessageHeader.Schema && type !== MessageHeader.RecordBatch && type !== MessageHeader.DictionaryBatch) throw new Error(`a message is of kind ${type}, not a schema or a batch`);
  if (type === MessageHeader.Schema) checkSchema(message.header(new Schema()), bb);
  const body = Number(message.bodyLength());
  if (!(body >= 0 && at + length + body <= bytes.length)) throw new Error(`a message declares a body of ${body} bytes where ${bytes.length - at - length} remain`);
  if (type === MessageHeader.RecordBatch) checkBatch(message.header(new RecordBatch()), bb, body);
  else if (type === MessageHeader.DictionaryBatch) checkBatch((message.header(new DictionaryBatch()) as DictionaryBatch | null)?.data() ?? null, bb, body);
  return at + length + body;
}

/** Checks every message of an Arrow IPC stream. */
export function checkIpcStream(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at >= 0 && at < bytes.length; ) at = checkMessage(bytes, view, at);
}

/** Checks an Arrow IPC file: its footer, the schema in it, and the message at every block it lists. */
export function checkIpcFile(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length >= FILE_TAIL ? view.getInt32(bytes.length - FILE_TAIL, true) : -1;
  const start = bytes.length - FILE_TAIL - length;
  if (length <= 0 || start < FILE_MAGIC_PADDED) throw new Error(`the footer declares ${length} bytes in a file of ${bytes.length}`);
  const bb = new ByteBuffer(bytes.subarray(start, start + length));
  const footer = Footer.getRootAsFooter(bb);
  checkSchema(footer.schema(), bb);
  fits(footer.customMetadataLength(), bb, "the footer's metadata");
  for (const [count, block] of [[footer.dictionariesLength(), (i: number) => footer.dictionaries(i)], [footer.recordBatchesLength(), (i: number) => footer.recordBatches(i)]] as const) {
    fits(count, bb, "the footer's blocks");
    for (let i = 0; i < count; i++) {
      const offset = Number(block(i)?.offset() ?? -1);
      if (!(offset >= FILE_MAGIC_PADDED && offset < start)) throw new Error(`a block of the footer points at byte ${offset}, outside the file's messages`);
      checkMessage(bytes, view, offset);
    }
  }
  checkMessage(bytes, view, FILE_MAGIC_PADDED); // the schema message the file starts with
}
