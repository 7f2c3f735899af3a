// The site's vocabulary: every architecture has its names, the map kinds a view offers are map kinds the
// model computes, and an architecture only offers the kinds it has.
import {describe, expect, it} from "vitest";
import {
  ARCH_FULL_NAMES,
  ARCH_NAMES,
  ARCHS,
  DIRECTION_NAMES,
  DIRECTIONS,
  MAP_KIND_FILE_NAMES,
  MAP_KIND_LABELS,
  MAP_KIND_NAMES,
  MAP_KINDS,
  mapKindLabel,
  mapKindsFor,
  VIEW_MAP_KINDS,
  viewMapKindsFor
} from "../src/model/vocabulary.js";

describe("vocabulary", () => {
  it("names every architecture, short and in full", () => {
    expect(Object.keys(ARCH_NAMES)).toEqual([...ARCHS]);
    expect(Object.keys(ARCH_FULL_NAMES)).toEqual([...ARCHS]);
    expect(ARCH_NAMES.talking_heads).toBe("Talking Heads");
  });

  it("view map kinds are model map kinds, and each architecture offers only what it has", () => {
    for (const kind of VIEW_MAP_KINDS) expect(MAP_KINDS).toContain(kind);
    for (const arch of ARCHS) {
      for (const kind of viewMapKindsFor(arch)) expect(mapKindsFor(arch)).toContain(kind);
      for (const kind of viewMapKindsFor(arch)) expect(MAP_KIND_NAMES[kind]).toBeTruthy();
    }
    expect(viewMapKindsFor("mha")).toEqual(["raw", "effective"]);
    expect(viewMapKindsFor("iha")).toEqual(["raw", "effective", "naive"]);
    expect(MAP_KINDS.map((k) => MAP_KIND_FILE_NAMES[k])).toEqual(["raw", "naive", "naive_renormalised", "effective"]);
  });

  it("names both directions", () => {
    expect(DIRECTIONS.map((d) => DIRECTION_NAMES[d])).toEqual(["what this query attends to", "what attends to this key"]);
  });
  it("every map kind has a reader's label, found from its file name; an unknown name is refused", () => {
    for (const kind of MAP_KINDS) {
      expect(mapKindLabel(MAP_KIND_FILE_NAMES[kind])).toBe(MAP_KIND_LABELS[kind]);
      expect(MAP_KIND_LABELS[kind]).not.toMatch(/_/);
    }
    expect(mapKindLabel("naive_renormalised")).toBe("naive renormalised");
    expect(() => mapKindLabel("naive_renorm")).toThrow(/not a map kind's file name/);
  });
});
