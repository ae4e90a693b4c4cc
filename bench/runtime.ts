#!/usr/bin/env bun
/**
 * Runtime benchmark: drives one echo node over pipes with ECHO_REQUESTS requests, IN_FLIGHT
 * outstanding at a time, and prints round trips per second for the full runtime
 * (01-echo/main.ts) and for the bare-Bun baseline (bench/baseline-echo.ts), in the same run.
 * Figures also go to results-runtime.md (bench/ with --write, else bench/tmp/). Run: `bun run bench runtime`.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readmeBlock, writeBenchResults } from "./results-file.ts";

const REPO_ROOT = join(import.meta.dir, "..");
const ECHO_REQUESTS = Number(process.env.ECHO_REQUESTS ?? 200_000);
const IN_FLIGHT = 256;
/** Runs per contender; best and median are reported (the machine is shared: noise only slows runs down). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_ROUND_TRIPS_PER_SECOND = 300_000;
const TARGET_FRACTION_OF_BASELINE = 0.55;
const NEWLINE = 10;
/** Linux reports CPU time in clock ticks of 10 ms (USER_HZ = 100). */
const MICROS_PER_CLOCK_TICK = 10_000;

interface Contender {
  name: string;
  script: string;
}

const CONTENDERS: Contender[] = [
  { name: "runtime (01-echo/main.ts)", script: "01-echo/main.ts" },
  { name: "baseline (bench/baseline-echo.ts)", script: "bench/baseline-echo.ts" },
];

/** The request lines, made once: the driver must cost as little as possible. */
function requestLine(msgId: number): string {
  return (
    `{"id":${msgId},"src":"c1","dest":"n0","body":{"type":"echo","echo":"Please ` +
    `echo ${msgId % 128}","msg_id":${msgId}}}\n`
  );
}

interface Measurement {
  roundTripsPerSecond: number;
  /**
   * The node process's user + system CPU per round trip, all threads, startup excluded (less sensitive to a busy
   * machine).
   */
  cpuMicrosPerRoundTrip: number;
}

/** A process's user + system CPU time so far, all threads, in clock ticks (Linux /proc; NaN elsewhere). */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat; fields[0] here is field 3.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** Sends `count` echo requests with `inFlight` outstanding; returns round trips per second. */
async function measure(script: string, count: number, inFlight: number): Promise<Measurement> {
  const node = Bun.spawn(["bun", join(REPO_ROOT, script)], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
    cwd: REPO_ROOT,
  });
  const stdin = node.stdin;
  stdin.write('{"src":"c0","dest":"n0","body":{"type":"init","node_id":"n0","node_ids":["n0"],"msg_id":1}}\n');
  stdin.flush();
  const reader = node.stdout.getReader();
  const lines: string[] = [];
  for (let id = 2; id < count + 2; id++) lines.push(requestLine(id));

  let received = -1; // the init_ok does not count
  let sent = 0;
  let startedMs = 0;
  let cpuAtStartTicks = 0;
  const decoder = new TextDecoder();
  let firstReply = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} closed stdout after ${received} replies`);
    if (received < 0 && firstReply.length < 4096) firstReply += decoder.decode(value);
    let newlines = 0;
    for (let at = value.indexOf(NEWLINE); at !== -1; at = value.indexOf(NEWLINE, at + 1)) newlines++;
    received += newlines;
    if (startedMs === 0 && received >= 0) {
      if (!firstReply.startsWith('{"src":"n0","dest":"c0","body":{')) throw new Error(`bad init reply: ${firstReply}`);
      startedMs = performance.now();
      cpuAtStartTicks = cpuTicks(node.pid);
    }
    // Top the window back up with one write.
    const target = Math.min(count, received + inFlight);
    if (target > sent) {
      stdin.write(lines.slice(sent, target).join(""));
      stdin.flush();
      sent = target;
    }
    if (received >= count) break;
  }
  const elapsedMs = performance.now() - startedMs;
  const cpuTicksUsed = cpuTicks(node.pid) - cpuAtStartTicks;
  stdin.end();
  await node.exited;
  return {
    roundTripsPerSecond: (count / elapsedMs) * 1000,
    cpuMicrosPerRoundTrip: (cpuTicksUsed * MICROS_PER_CLOCK_TICK) / count,
  };
}

/** The median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const format = (rate: number) => Math.round(rate).toLocaleString("en");
const loadBefore = loadavg()[0]!;
const measurements = CONTENDERS.map(() => [] as Measurement[]);
const roundRatios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, so a busy spell on the shared machine hits both contenders alike.
  for (const [index, contender] of CONTENDERS.entries()) {
    const measurement = await measure(contender.script, ECHO_REQUESTS, IN_FLIGHT);
    measurements[index]!.push(measurement);
    console.log(
      `round ${round + 1}: ${contender.name}: ${format(measurement.roundTripsPerSecond)} round trips/s, ` +
        `node CPU ${measurement.cpuMicrosPerRoundTrip.toFixed(2)} µs per round trip`,
    );
  }
  roundRatios.push(measurements[0]![round]!.roundTripsPerSecond / measurements[1]![round]!.roundTripsPerSecond);
}
const loadAfter = loadavg()[0]!;

const rates = measurements.map((list) => list.map((measurement) => measurement.roundTripsPerSecond));
const cpus = measurements.map((list) => list.map((measurement) => measurement.cpuMicrosPerRoundTrip));
const runtimeBest = Math.max(...rates[0]!);
const baselineBest = Math.max(...rates[1]!);
const bestRatio = runtimeBest / baselineBest;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;
const report = [
  "# Runtime benchmark (bench/runtime.ts)",
  "",
  `${ECHO_REQUESTS.toLocaleString("en")} echo requests over pipes, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved ` +
    `rounds; ` +
    `Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, load average ${loadBefore.toFixed(1)} before ` +
    `/ ${loadAfter.toFixed(1)} after, ${new Date().toISOString().slice(0, 16)}Z.`,
  "",
  readmeBlock(
    "runtime",
    [
      "| node | best round trips/s | median round trips/s | node CPU µs per round trip (best) |",
      "|---|---:|---:|---:|",
      ...CONTENDERS.map(
        (contender, index) =>
          `| ${contender.name} | ${format(Math.max(...rates[index]!))} | ${format(median(rates[index]!))} ` +
          `| ${Math.min(...cpus[index]!).toFixed(2)} |`,
      ),
      "",
      `Runtime / baseline: ${percent(bestRatio)} of the best rates, median of per-round ` +
        `ratios ${percent(median(roundRatios))} ` +
        `(target ≥ ${percent(TARGET_FRACTION_OF_BASELINE)}: ${verdict(bestRatio >= TARGET_FRACTION_OF_BASELINE)}); ` +
        `runtime best ${format(runtimeBest)}/s (target ` +
        `≥ ${format(TARGET_ROUND_TRIPS_PER_SECOND)}/s: ${verdict(runtimeBest >= TARGET_ROUND_TRIPS_PER_SECOND)}).`,
    ].join("\n"),
  ),
  "",
  "Node CPU is the node process's user + system time (all threads: JIT and GC included) from init_ok to the last " +
    "reply, " +
    "read from /proc; the machine is shared, so rates move with its load while CPU per round trip moves less.",
  "",
].join("\n");
console.log(`\n${report}`);
writeBenchResults("runtime", report);
