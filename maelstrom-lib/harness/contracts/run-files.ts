/**
 * The names of a run folder's files, in one table: the runner writes them (store/), the
 * checkers write their per-key files under them, the report and `serve` read them.
 */

/** Every file and folder name of one run folder, as the runner writes them. */
export const RUN_FILES = {
  results: "results.json",
  history: "history.jsonl",
  journal: "net-journal.jsonl",
  testOptions: "test.json",
  nodeLogs: "node-logs",
  /** The EDN files Maelstrom users' scripts read (store/edn-files.ts). */
  resultsEdn: "results.edn",
  historyEdn: "history.edn",
  /** The history as Jepsen's `prn-op` prints it, one tab-separated op per line. */
  historyTxt: "history.txt",
  jepsenLog: "jepsen.log",
  /** Per-key folders of the linearizability checker, each with results, history and linear.svg. */
  independent: "independent",
  linearSvg: "linear.svg",
  messagesSvg: "messages.svg",
  timeline: "timeline.html",
  report: "index.html",
  screenshot: "report.png",
  /**
   * Where `maelstrom analyze` writes its results in a folder real Maelstrom wrote: a folder of
   * its own, so that none of Maelstrom's files (results.edn, linear.svg, ...) is overwritten.
   */
  reanalysis: "reanalysis",
} as const;
