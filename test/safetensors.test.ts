import {describe, expect, it} from "vitest";
import {decodeSafetensors, encodeSafetensors} from "../src/model/safetensors.js";

const tensors = {
  "blocks.0.attn.W_Q": {shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -7])},
  "unembed.b_U": {shape: [1], data: Float32Array.from([0.25])}
};

describe("safetensors", () => {
  it("round-trips names, shapes, values and metadata", () => {
    const bytes = encodeSafetensors(tensors, {arch: "iha"});
    const {tensors: back, metadata} = decodeSafetensors(bytes);
    expect(metadata).toEqual({arch: "iha"});
    expect(Object.keys(back)).toEqual(Object.keys(tensors));
    for (const [name, {shape, data}] of Object.entries(tensors)) {
      expect(back[name].shape).toEqual(shape);
      expect(Array.from(back[name].data)).toEqual(Array.from(data));
    }
  });

  it("writes the layout PyTorch's reader expects: u64 header length, 8-byte aligned JSON, F32 offsets", () => {
    const bytes = encodeSafetensors(tensors);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header["blocks.0.attn.W_Q"]).toEqual({dtype: "F32", shape: [2, 3], data_offsets: [0, 24]});
    expect(header["unembed.b_U"]).toEqual({dtype: "F32", shape: [1], data_offsets: [24, 28]});
    expect(bytes.length).toBe(8 + headerLength + 28);
  });

  it("rejects a shape that does not match the data", () => {
    expect(() => encodeSafetensors({x: {shape: [2, 2], data: new Float32Array(3)}})).toThrow(/x has shape \[2,2\] but 3 values/);
  });

  it("names what is wrong with a damaged file", () => {
    const bytes = encodeSafetensors(tensors);
    expect(() => decodeSafetensors(bytes.subarray(0, 4))).toThrow(/shorter than its 8-byte header/);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(/runs past the end/);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(/unembed\.b_U .* do not fit/);
    const garbled = bytes.slice();
    garbled[8] = 0x7b + 1;
    expect(() => decodeSafetensors(garbled)).toThrow(/not valid JSON/);
  });
});
