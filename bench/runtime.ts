#!/usr/bin/env bun
/**
 * Runtime benchmark: drives one echo node over pipes with ECHO_REQUESTS requests, IN_FLIGHT
 * outstanding at a time, and prints round trips per second for the full runtime
 * (01-echo/main.ts) and for the bare-Bun baseline (bench/baseline-echo.ts), in the same run.
 * Figures also go to bench/results-runtime.md. Run: `bun run bench runtime`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const REPO_ROOT = join(import.meta.dir, "..");
const ECHO_REQUESTS = Number(process.env.ECHO_REQUESTS ?? 200_000);
const IN_FLIGHT = 256;
/** Runs per contender; the best is reported (the machine is shared, so noise only slows runs down). */
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
  return `{"id":${msgId},"src":"c1","dest":"n0","body":{"type":"echo","echo":"Please echo ${msgId % 128}","msg_id":${msgId}}}\n`;
}

interface Measurement {
  roundTripsPerSecond: number;
  /** The node process's user + system CPU per round trip, all threads, startup excluded (less sensitive to a busy machine). */
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
  return { roundTripsPerSecond: (count / elapsedMs) * 1000, cpuMicrosPerRoundTrip: (cpuTicksUsed * MICROS_PER_CLOCK_TICK) / count };
}

const best = new Map<string, number>();
const bestCpu = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const contender of CONTENDERS) {
    const { roundTripsPerSecond: rate, cpuMicrosPerRoundTrip } = await measure(contender.script, ECHO_REQUESTS, IN_FLIGHT);
    console.log(
      `round ${round + 1}: ${contender.name}: ${Math.round(rate).toLocaleString("en")} round trips/s, ` +
        `node CPU ${cpuMicrosPerRoundTrip.toFixed(2)} µs per round trip`,
    );
    bestCpu.set(contender.name, Math.min(bestCpu.get(contender.name) ?? Infinity, cpuMicrosPerRoundTrip));
    best.set(contender.name, Math.max(best.get(contender.name) ?? 0, rate));
  }
}
const runtimeRate = best.get(CONTENDERS[0]!.name)!;
const baselineRate = best.get(CONTENDERS[1]!.name)!;
const fraction = runtimeRate / baselineRate;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const report = [
  "# Runtime benchmark (bench/runtime.ts)",
  "",
  `${ECHO_REQUESTS.toLocaleString("en")} echo requests over pipes, ${IN_FLIGHT} in flight, best of ${ROUNDS} rounds; Bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${new Date().toISOString().slice(0, 16)}Z.`,
  "",
  "| node | round trips/s |",
  "|---|---:|",
  `| ${CONTENDERS[0]!.name} | ${Math.round(runtimeRate).toLocaleString("en")} |`,
  `| ${CONTENDERS[1]!.name} | ${Math.round(baselineRate).toLocaleString("en")} |`,
  "",
  `Runtime / baseline: ${(fraction * 100).toFixed(1)} % (target ≥ ${TARGET_FRACTION_OF_BASELINE * 100} %: ${verdict(fraction >= TARGET_FRACTION_OF_BASELINE)}); ` +
    `runtime ≥ ${TARGET_ROUND_TRIPS_PER_SECOND.toLocaleString("en")}/s: ${verdict(runtimeRate >= TARGET_ROUND_TRIPS_PER_SECOND)}.`,
  "",
].join("\n");
console.log(`\n${report}`);
writeFileSync(join(import.meta.dir, "results-runtime.md"), report);
