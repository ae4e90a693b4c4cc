import { expect, test } from "bun:test";
import { Float32, kw, list, map, pprintEdn, printEdn, set, vector } from "./edn.ts";

test(
  "scalars print as Clojure's pr: nil, booleans, keywords, escaped strings, Java doubles and Floats, raw " + "numbers",
  () => {
    expect(printEdn(null)).toBe("nil");
    expect(printEdn(true)).toBe("true");
    expect(printEdn(kw("valid?"))).toBe(":valid?");
    expect(printEdn('say "hi"\n\ttab \\ ü')).toBe('"say \\"hi\\"\\n\\ttab \\\\ ü"');
    expect(printEdn(182)).toBe("182");
    expect(printEdn(0.5)).toBe("0.5");
    expect(printEdn(22.010139204)).toBe("22.010139204");
    expect(printEdn(1e-4)).toBe("1.0E-4");
    expect(printEdn(12345678.5)).toBe("1.23456785E7");
    // Maelstrom's msgs-per-op and ok-fraction are Floats: Float.toString's shortest digits.
    expect(printEdn(new Float32(2.0018861293792725))).toBe("2.0018861");
    expect(printEdn(new Float32(1))).toBe("1.0");
    expect(printEdn(new Float32(0))).toBe("0.0");
    expect(printEdn({ rawJSON: "18446744073709551615" })).toBe("18446744073709551615");
    expect(printEdn({ rawJSON: "1.0" })).toBe("1.0");
  },
);

test("collections print on one line as prn does: maps with ', ', vectors, lists and sets with spaces", () => {
  const value = map([
    [kw("lost"), list([3, 7])],
    [kw("not"), set([kw("read-committed")])],
    [
      kw("stable-latencies"),
      map([
        [0, 0],
        [0.5, 182],
        [1, 204],
      ]),
    ],
    [kw("value"), vector([vector([kw("r"), 0, null])])],
    [kw("duplicated"), map([])],
  ]);
  expect(printEdn(value)).toBe(
    "{:lost (3 7), :not #{:read-committed}, :stable-latencies {0 0, 0.5 182, 1 204}, :value [[:r 0 nil]], " +
      ":duplicated {}}",
  );
});

const quantiles = (values: number[]) => map([0, 0.5, 0.95, 0.99, 1].map((q, i) => [q, values[i]!]));
const counts = (send: number, withRate?: number) =>
  map([
    [kw("send-count"), send],
    [kw("recv-count"), send],
    [kw("msg-count"), send],
    ...(withRate === undefined ? [] : [[kw("msgs-per-op"), new Float32(withRate)] as const]),
  ]);

test("pprint lays out as fipp at width 70, matching results.edn files published from real Maelstrom runs", () => {
  // The :net block and a broken :stable-latencies as published for a 25-node line-topology run;
  // a latency map that fits on its line, and a list that does not, from a 3b run's output.
  const results = map([
    [
      kw("net"),
      map([
        [kw("all"), counts(46774, 25.51773)],
        [kw("clients"), counts(3766)],
        [kw("servers"), counts(43008, 23.463175)],
        [kw("valid?"), true],
      ]),
    ],
    [
      kw("workload"),
      map([
        [kw("stable-latencies"), quantiles([0, 1561, 2266, 2365, 2423])],
        [kw("fits"), quantiles([0, 0, 153, 191, 191])],
        [kw("stale"), list([0, 1, 6])],
        [kw("valid?"), true],
      ]),
    ],
    [kw("valid?"), false],
  ]);
  expect(pprintEdn(results)).toBe(
    [
      "{:net {:all {:send-count 46774,",
      "             :recv-count 46774,",
      "             :msg-count 46774,",
      "             :msgs-per-op 25.51773},",
      "       :clients {:send-count 3766, :recv-count 3766, :msg-count 3766},",
      "       :servers {:send-count 43008,",
      "                 :recv-count 43008,",
      "                 :msg-count 43008,",
      "                 :msgs-per-op 23.463175},",
      "       :valid? true},",
      " :workload {:stable-latencies {0 0,",
      "                               0.5 1561,",
      "                               0.95 2266,",
      "                               0.99 2365,",
      "                               1 2423},",
      "            :fits {0 0, 0.5 0, 0.95 153, 0.99 191, 1 191},",
      "            :stale (0 1 6),",
      "            :valid? true},",
      " :valid? false}",
      "",
    ].join("\n"),
  );
});

test("a group fits when its flat form ends at column 70; the separator after it does not count", () => {
  // From a published 3e run: at column 12 this map ends at column 71, so it breaks; 69 fits.
  const at12 = (latencies: number[]) =>
    pprintEdn(
      map([
        [
          kw("workload"),
          map([
            [kw("stable-latencies"), quantiles(latencies)],
            [kw("x"), 1],
          ]),
        ],
      ]),
    );
  expect(at12([0, 339, 596, 636, 678])).toContain(":stable-latencies {0 0,\n                               0.5 339,");
  expect(at12([0, 0, 153, 191, 191])).toContain(":stable-latencies {0 0, 0.5 0, 0.95 153, 0.99 191, 1 191},\n");
  // `["x…x" "b"]` is n + 8 wide: at n = 62 it ends at column 70 and fits; at 63 it breaks.
  const pair = (n: number) => vector(["x".repeat(n), "b"]);
  expect(pprintEdn(pair(62))).toBe(`["${"x".repeat(62)}" "b"]\n`);
  expect(pprintEdn(pair(63))).toBe(`["${"x".repeat(63)}"\n "b"]\n`);
  // As a map value at column 4 it ends at 70 with n = 58, and the "," after it makes 71: still fits.
  expect(
    pprintEdn(
      map([
        [kw("a"), pair(58)],
        [kw("b"), 1],
      ]),
    ),
  ).toBe(`{:a ["${"x".repeat(58)}" "b"],\n :b 1}\n`);
  expect(
    pprintEdn(
      map([
        [kw("a"), pair(59)],
        [kw("b"), 1],
      ]),
    ),
  ).toBe(`{:a ["${"x".repeat(59)}"\n     "b"],\n :b 1}\n`);
});
