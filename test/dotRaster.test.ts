// The Attention Field's dot rasteriser: coverage, the union of a layer's discs, and source-over between
// layers, on the pixels it writes.
import {beforeAll, describe, expect, it} from "vitest";
import {dotRaster} from "../src/components/dotRaster.js";

beforeAll(() => {
  // Node has no ImageData: the rasteriser only needs its width, height and data.
  globalThis.ImageData ??= class {
    readonly data: Uint8ClampedArray;
    constructor(readonly width: number, readonly height: number) {
      this.data = new Uint8ClampedArray(width * height * 4);
    }
  } as unknown as typeof ImageData;
});

const pixel = (image: ImageData, x: number, y: number) => Array.from(image.data.slice((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe("dotRaster", () => {
  it("fills a disc's inside, leaves its outside clear and antialiases its edge", () => {
    const image = dotRaster(20).draw([{color: "#ff0000", alpha: 1, each: (add) => add(10.5, 10.5, 3)}]);
    expect(pixel(image, 10, 10)).toEqual([255, 0, 0, 255]);
    expect(pixel(image, 10, 15)).toEqual([0, 0, 0, 0]);
    expect(pixel(image, 1, 1)).toEqual([0, 0, 0, 0]);
    // Pixel (13, 10) has its centre 3 px (= r) from the disc's centre: half covered; (12, 10) is inside.
    expect(pixel(image, 13, 10)).toEqual([255, 0, 0, 128]);
    expect(pixel(image, 12, 10)).toEqual([255, 0, 0, 255]);
  });

  it("unions the discs of one layer (no double opacity) and composites layers source-over", () => {
    const raster = dotRaster(20);
    const one = raster.draw([{color: "#0000ff", alpha: 0.5, each: (add) => add(10, 10, 2)}]);
    expect(pixel(one, 10, 10)).toEqual([0, 0, 255, 128]);
    const twice = raster.draw([{color: "#0000ff", alpha: 0.5, each: (add) => (add(10, 10, 2), add(10, 10, 2))}]);
    expect(pixel(twice, 10, 10)).toEqual([0, 0, 255, 128]);
    const layered = raster.draw([
      {color: "#0000ff", alpha: 0.5, each: (add) => add(10, 10, 2)},
      {color: "#ff0000", alpha: 0.5, each: (add) => add(10, 10, 2)}
    ]);
    // below = (128/255)·0.5, out α = 0.5 + below ≈ 0.751 (192/255); red = 255·0.5 / out, blue = 255·below / out
    expect(pixel(layered, 10, 10)).toEqual([170, 0, 85, 192]);
  });

  it("clips discs at the edges and starts every draw from a clear image", () => {
    const raster = dotRaster(8);
    const edge = raster.draw([{color: "#00ff00", alpha: 1, each: (add) => add(0.5, 0.5, 2)}]);
    expect(pixel(edge, 0, 0)).toEqual([0, 255, 0, 255]);
    const empty = raster.draw([{color: "#00ff00", alpha: 1, each: () => {}}]);
    expect(pixel(empty, 0, 0)).toEqual([0, 0, 0, 0]);
  });

  it("names a colour it cannot read", () => {
    expect(() => dotRaster(4).draw([{color: "red", alpha: 1, each: () => {}}])).toThrow(/"red" is not #rrggbb/);
  });
});
