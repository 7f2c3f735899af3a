// How a page's views follow its controls (src/components/follow.ts): `watch` yields a value when its key changes,
// `follow` moves a view when one part of the value changes and leaves a change of the rebuilding key alone.
import {describe, expect, it} from "vitest";
import {follow, queryOf, watch} from "../src/components/follow.js";

interface State {
  query: number;
  head: number;
  layer: number;
}

/** Controls as the pages have them: a value, and an "input" event on every change. */
function controls(value: State) {
  const target = new EventTarget() as EventTarget & {value: State; set(change: Partial<State>): void};
  target.value = value;
  target.set = (change) => {
    target.value = {...target.value, ...change};
    target.dispatchEvent(new Event("input"));
  };
  return target;
}

const layerKey = (s: State) => String(s.layer);

describe("follow", () => {
  it("moves on a change of its part only, not on a change of the key that rebuilds the view, and stops at invalidation", async () => {
    const input = controls({query: 0, head: 0, layer: 0});
    let invalidate = () => {};
    const invalidation = new Promise<void>((done) => (invalidate = done));
    const queries: number[] = [];
    const heads: number[] = [];
    follow(input, invalidation, queryOf, (q) => queries.push(q), layerKey);
    follow(input, invalidation, (s) => s.head, (h) => heads.push(h), layerKey);
    input.set({query: 3});
    input.set({query: 3}); // no change
    input.set({head: 2});
    input.set({layer: 1, head: 5, query: 4}); // rebuilt instead
    input.set({head: 6});
    expect(queries).toEqual([3]);
    expect(heads).toEqual([2, 6]);
    invalidate();
    await invalidation;
    input.set({query: 9, head: 1});
    expect(queries).toEqual([3]);
    expect(heads).toEqual([2, 6]);
  });

  it("without a key, follows every change of its part", () => {
    const input = controls({query: 0, head: 0, layer: 0});
    const queries: number[] = [];
    follow(input, new Promise(() => {}), queryOf, (q) => queries.push(q));
    input.set({layer: 1, query: 1});
    input.set({query: 2});
    expect(queries).toEqual([1, 2]);
  });
});

describe("watch", () => {
  it("yields the value now and after each change of its key, skipping changes of other parts", async () => {
    const input = controls({query: 0, head: 0, layer: 0});
    const values = watch(input, layerKey);
    expect((await values.next()).value).toEqual({query: 0, head: 0, layer: 0});
    const next = values.next();
    input.set({query: 5});
    input.set({layer: 2});
    expect((await next).value).toEqual({query: 5, head: 0, layer: 2});
    await values.return(undefined);
  });
});
