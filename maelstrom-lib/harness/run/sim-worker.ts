/**
 * The worker thread a simulated test runs in (simulate.ts starts it): it receives the options
 * and the loaded program, runs the test, and posts back its console lines, its run folder as
 * soon as there is one, and its outcome. Its own thread lets the watchdog stop a node that
 * never hands control back, without stopping the runner that started it.
 */
import { NodeProgram } from "../world/sim-program.ts";
import { runSimulation, type SimulationReply, type SimulationRequest } from "./simulate.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<SimulationRequest>) => {
  const { opts, program, watch } = event.data;
  const post = (reply: SimulationReply) => self.postMessage(reply);
  try {
    const outcome = await runSimulation(opts, NodeProgram.fromSource(program.bin, program.source, program.loadError), {
      log: (line) => post({ kind: "log", line }),
      onRunDir: (runDir) => post({ kind: "run-dir", runDir }),
      watch,
    });
    post({ kind: "done", outcome });
  } catch (error) {
    post({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
};
