import { describe, expect, test } from "bun:test";
import { buildTopology, gridTopology, lineTopology, totalTopology, treeTopology } from "./topology.ts";

const ids = (count: number) => Array.from({ length: count }, (_, index) => `n${index}`);

describe("grid", () => {
  test("5 nodes: the example from Maelstrom (below, above, right, left)", () => {
    expect(gridTopology(ids(5))).toEqual({
      n0: ["n3", "n1"],
      n1: ["n4", "n2", "n0"],
      n2: ["n1"],
      n3: ["n0", "n4"],
      n4: ["n1", "n3"],
    });
  });

  test("25 nodes: a full 5×5 grid, corners have 2 neighbours and the middle 4", () => {
    const topology = gridTopology(ids(25));
    expect(topology.n0).toEqual(["n5", "n1"]);
    expect(topology.n12).toEqual(["n17", "n7", "n13", "n11"]);
    expect(topology.n24).toEqual(["n19", "n23"]);
    expect(topology.n4).toEqual(["n9", "n3"]);
  });

  test("a single node has no neighbours", () => {
    expect(gridTopology(ids(1))).toEqual({ n0: [] });
  });
});

describe("line", () => {
  test("ends see one neighbour, the middle [left, right]", () => {
    expect(lineTopology(ids(4))).toEqual({ n0: ["n1"], n1: ["n0", "n2"], n2: ["n1", "n3"], n3: ["n2"] });
  });

  test("two nodes see each other", () => {
    expect(lineTopology(ids(2))).toEqual({ n0: ["n1"], n1: ["n0"] });
  });

  test("a single node gives an empty map (Maelstrom's quirk)", () => {
    expect(lineTopology(ids(1))).toEqual({});
  });
});

describe("tree", () => {
  test("binary: [parent, ...children] in heap layout", () => {
    expect(treeTopology(ids(6), 2)).toEqual({
      n0: ["n1", "n2"],
      n1: ["n0", "n3", "n4"],
      n2: ["n0", "n5"],
      n3: ["n1"],
      n4: ["n1"],
      n5: ["n2"],
    });
  });

  test("tree4 over 25 nodes: the root has 4 children, n1 has n5…n8", () => {
    const topology = buildTopology("tree4", ids(25));
    expect(topology.n0).toEqual(["n1", "n2", "n3", "n4"]);
    expect(topology.n1).toEqual(["n0", "n5", "n6", "n7", "n8"]);
    expect(topology.n5).toEqual(["n1", "n21", "n22", "n23", "n24"]);
    expect(topology.n6).toEqual(["n1"]);
  });

  test("tree and tree2 are the same", () => {
    expect(buildTopology("tree", ids(9))).toEqual(buildTopology("tree2", ids(9)));
  });

  test("tree3 over 5 nodes", () => {
    expect(buildTopology("tree3", ids(5))).toEqual({
      n0: ["n1", "n2", "n3"],
      n1: ["n0", "n4"],
      n2: ["n0"],
      n3: ["n0"],
      n4: ["n1"],
    });
  });
});

test("total: everyone else, in node order", () => {
  expect(totalTopology(ids(3))).toEqual({ n0: ["n1", "n2"], n1: ["n0", "n2"], n2: ["n0", "n1"] });
});

test("every topology is symmetric", () => {
  for (const name of ["line", "grid", "tree", "tree3", "tree4", "total"]) {
    const topology = buildTopology(name, ids(25));
    for (const [node, neighbours] of Object.entries(topology)) {
      for (const neighbour of neighbours) expect(topology[neighbour]).toContain(node);
    }
  }
});

test("an unknown name throws and lists the valid ones", () => {
  expect(() => buildTopology("ring", ids(3))).toThrow(/unknown topology "ring"; valid: line, grid/);
});
