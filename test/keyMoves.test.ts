// The map pages' keys: each step wraps around at both ends, and the workbench's arrows step the held token.
import {describe, expect, it} from "vitest";
import {mapMoves, tokenMoves} from "../src/state/keyMoves.js";

const sizes = {tokens: 5, heads: 3, layers: 2};

describe("key moves", () => {
  it("←/→ query, ↑/↓ head, [ ] layer, wrapping at both ends", () => {
    const first = mapMoves({query: 0, head: 0, layer: 0}, sizes);
    expect(first.ArrowLeft).toEqual({query: 4});
    expect(first.ArrowRight).toEqual({query: 1});
    expect(first.ArrowUp).toEqual({head: 2});
    expect(first.ArrowDown).toEqual({head: 1});
    expect(first["["]).toEqual({layer: 1});
    expect(first["]"]).toEqual({layer: 1});
    const last = mapMoves({query: 4, head: 2, layer: 1}, sizes);
    expect(last.ArrowRight).toEqual({query: 0});
    expect(last.ArrowDown).toEqual({head: 0});
    expect(last["]"]).toEqual({layer: 0});
    expect(mapMoves({query: 0, head: 0, layer: 0}, {...sizes, layers: 1})["["]).toEqual({layer: 0});
    expect(first.Escape).toBeUndefined();
  });

  it("the workbench steps the held token; from none, → holds the first and ← the last; Escape lets go", () => {
    const none = tokenMoves({head: 1, layer: 0, token: -1}, sizes);
    expect(none.ArrowRight).toEqual({token: 0});
    expect(none.ArrowLeft).toEqual({token: 4});
    expect(none.Escape).toEqual({token: -1});
    expect(none.ArrowUp).toEqual({head: 0});
    expect(none.ArrowDown).toEqual({head: 2});
    const held = tokenMoves({head: 1, layer: 1, token: 4}, sizes);
    expect(held.ArrowRight).toEqual({token: 0});
    expect(held.ArrowLeft).toEqual({token: 3});
    expect(held["]"]).toEqual({layer: 0});
  });
});
