import { describe, expect, test } from "bun:test";
import {
  EDN_MAX_DEPTH,
  EdnChar,
  EdnDecimal,
  EdnError,
  EdnKeyword,
  EdnList,
  EdnMap,
  EdnReader,
  EdnSet,
  EdnSymbol,
  EdnTagged,
  readEdn,
  readEdnAll,
  type EdnValue,
} from "./edn-read.ts";

const kw = (name: string) => new EdnKeyword(name);

describe("EDN reader", () => {
  const valid: [string, EdnValue][] = [
    ["nil", null],
    ["true", true],
    ["false", false],
    ["0", 0],
    ["-17", -17],
    ["+5", 5],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
    ["9007199254740993", 9007199254740993n],
    ["-123456789012345678901234567890", -123456789012345678901234567890n],
    ["7N", 7n],
    ["3.25", 3.25],
    ["-0.5", -0.5],
    ["1e3", 1000],
    ["2.5E-3", 0.0025],
    ["1.", 1],
    ["1.50M", new EdnDecimal("1.50")],
    ["##Inf", Infinity],
    ["##-Inf", -Infinity],
    ['"plain"', "plain"],
    ['"tab\\there \\"quoted\\" back\\\\slash\\nnew \\u00e9"', 'tab\there "quoted" back\\slash\nnew é'],
    ['""', ""],
    ["\\a", new EdnChar("a")],
    ["\\newline", new EdnChar("\n")],
    ["\\space", new EdnChar(" ")],
    ["\\u0041", new EdnChar("A")],
    ["\\(", new EdnChar("(")],
    [":f", kw("f")],
    [":final?", kw("final?")],
    [":jepsen.foo/bar", kw("jepsen.foo/bar")],
    ["disallowed-key", new EdnSymbol("disallowed-key")],
    ["clojure.lang.ExceptionInfo", new EdnSymbol("clojure.lang.ExceptionInfo")],
    ["(1 :a)", new EdnList([1, kw("a")])],
    ["[]", []],
    [
      "[[:r 1 nil] [:w 2 3]]",
      [
        [kw("r"), 1, null],
        [kw("w"), 2, 3],
      ],
    ],
    ['{"k1" [[0 3]]}', new EdnMap([["k1", [[0, 3]]]])],
    [
      "{:a 1, :b 2}",
      new EdnMap([
        [kw("a"), 1],
        [kw("b"), 2],
      ]),
    ],
    ["{[1 2] #{3}}", new EdnMap([[[1, 2], new EdnSet([3])]])],
    ["#{}", new EdnSet([])],
    ['#{"n1" "n2"}', new EdnSet(["n1", "n2"])],
    ['#inst "2026-03-01T10:15:00.000-00:00"', "2026-03-01T10:15:00.000-00:00"],
    ['#uuid "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"', "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"],
    ["#jepsen.history.Op{:index 1}", new EdnTagged("jepsen.history.Op", new EdnMap([[kw("index"), 1]]))],
    ['#object[java.lang.Object "0x1"]', new EdnTagged("object", [new EdnSymbol("java.lang.Object"), "0x1"])],
    ["[1 #_ 2 3]", [1, 3]],
    ["[1 #_ #_ 2 3 4]", [1, 4]],
    ["[1, 2,,3]", [1, 2, 3]],
    ["; a comment\n[1 ; another\n 2]", [1, 2]],
    ["  \n\t{:a\n  {:b [nil]}}\n", new EdnMap([[kw("a"), new EdnMap([[kw("b"), [null]]])]])],
  ];
  for (const [text, expected] of valid) {
    test(`reads ${JSON.stringify(text)}`, () => {
      expect(readEdn(text)).toEqual(expected);
    });
  }

  test("forms nested 200,000 deep are an EdnError naming the bound, not a stack overflow; the bound reads", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(() => readEdn(deep)).toThrow(EdnError);
    expect(() => readEdn(deep)).toThrow(`forms nested more than ${EDN_MAX_DEPTH} deep`);
    expect(() => readEdn("#a ".repeat(200_000) + "1")).toThrow(EdnError);
    let value = readEdn("[".repeat(EDN_MAX_DEPTH) + "]".repeat(EDN_MAX_DEPTH));
    for (let depth = 1; depth < EDN_MAX_DEPTH; depth++) value = (value as EdnValue[])[0]!;
    expect(value).toEqual([]);
  });

  test("reads NaN", () => {
    expect(readEdn("##NaN")).toBeNaN();
  });

  test("reads one op per line as Jepsen's store writes history.edn, and stops at the end", () => {
    const text =
      "{:index 0, :time 11874412, :type :invoke, :process 0, :f :broadcast, :value 0}\n" +
      '{:index 1, :time 13502266, :type :info, :process :nemesis, :f :start-partition, :value [:isolated {"n0" ' +
      '#{"n2"}}]}\n';
    const forms = readEdnAll(text);
    expect(forms).toHaveLength(2);
    expect((forms[0] as EdnMap).get("f")).toEqual(kw("broadcast"));
    expect((forms[1] as EdnMap).get("process")).toEqual(kw("nemesis"));
    expect((forms[1] as EdnMap).get("value")).toEqual([kw("isolated"), new EdnMap([["n0", new EdnSet(["n2"])]])]);
    const reader = new EdnReader("1 2");
    expect([reader.next(), reader.next(), reader.next()]).toEqual([1, 2, undefined]);
  });

  const malformed: [string, number, number, string][] = [
    ["", 1, 1, "no form"],
    ["{:a 1", 1, 1, '"{" opened here is never closed'],
    ["[1 2)", 1, 5, '")" closes "[" (expected "]")'],
    ["{:a 1\n :b}", 1, 1, "even number of forms"],
    ['"abc', 1, 1, "never closed"],
    ['"a\\qb"', 1, 3, "unknown escape \\q"],
    ['"\\u12"', 1, 2, "bad unicode escape"],
    ["[1\n  :]", 2, 3, "bad keyword :"],
    ["[1 2\n 1.2.3]", 2, 2, "bad number 1.2.3"],
    ["\\nope", 1, 1, "unknown character \\nope"],
    ["#_", 1, 3, "#_ discards nothing"],
    ["#inst 5", 1, 1, "#inst must be followed by a string"],
    ["##Foo", 1, 1, "unknown symbolic value ##Foo"],
    ["#1", 1, 1, "a # must be followed by"],
    [")", 1, 1, 'unexpected ")"'],
    ["1 2", 1, 3, "more than one form"],
  ];
  for (const [text, line, column, detail] of malformed) {
    test(`rejects ${JSON.stringify(text)} at line ${line}, column ${column}`, () => {
      let caught: unknown;
      try {
        readEdn(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EdnError);
      const error = caught as EdnError;
      expect(error.detail).toContain(detail);
      expect([error.line, error.column]).toEqual([line, column]);
      expect(error.message).toBe(`EDN error at line ${line}, column ${column}: ${error.detail}`);
    });
  }
});
