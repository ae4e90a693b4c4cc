/**
 * The globals of one simulated node instance: virtual time (Date, performance, timers,
 * Bun.sleep), seeded randomness (Math.random, crypto and node:crypto's random functions, which
 * the uuid package uses), and the process's stdin, stdout, stderr and exit, all bound to the
 * instance's host. The built-in modules a program imports are answered here too: the pure
 * ones as they are, fs's writes to fd 1 and 2 as the instance's output, timers on virtual
 * time. Anything else that reaches the real machine (files, sockets, processes, workers) still
 * works but is an escape: the host is told, and the run's results say so.
 */
import { msToNanos } from "../contracts/history.ts";
import * as realCrypto from "node:crypto";
import * as realFs from "node:fs";
import { format } from "node:util";
import { createRequire } from "node:module";
import { Rng } from "../primitives/rng.ts";
import { nodeEnvironment } from "./node-env.ts";
import type { ShadowedGlobal } from "./sim-program.ts";

/** What an instance's globals are bound to: its host in the simulated world. */
export interface InstanceHost {
  /** The program's path and arguments (process.argv after the interpreter). */
  readonly bin: string;
  readonly args: readonly string[];
  /** The node's index in the run (its simulated pid is derived from it). */
  readonly index: number;
  /** What the runtime finds under RUNTIME_HOST_KEY: input, output, log and clock. */
  readonly runtimeHost: object;
  /** The instance's stdin. */
  readonly input: AsyncIterable<string>;
  /** Text written to stdout (protocol lines) and to stderr (the node log). */
  stdout(text: string): void;
  stderr(text: string): void;
  /** process.exit: the instance stops here; never returns. */
  exit(code: number): never;
  /** Something reached the real machine: `what` says what. */
  escape(what: string): void;
  /** Runs `fn` after `delayMs` of virtual time, as this instance's event; returns how to cancel it. */
  schedule(delayMs: number, fn: () => void): () => void;
  /** Virtual milliseconds since the run started. */
  nowMs(): number;
}

/**
 * The key under which a simulated node's runtime finds its host (node/node.ts reads it off
 * globalThis, which is the instance's own); the real process has nothing there.
 */
export const RUNTIME_HOST_KEY = Symbol.for("@gossip-glomers-ts/maelstrom/sim-host");

/** The Unix time a simulated run starts at: fixed, so node logs with dates replay byte for byte. */
export const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Built-in modules with nothing to virtualise (no time, randomness or I/O of the machine). */
const PURE_MODULES = new Set([
  "path",
  "util",
  "events",
  "assert",
  "buffer",
  "string_decoder",
  "url",
  "querystring",
  "punycode",
]);

/** Bun's members that reach the machine (files, processes, sockets, servers, the shell). */
const BUN_ESCAPES = new Set([
  "spawn",
  "spawnSync",
  "file",
  "write",
  "connect",
  "listen",
  "serve",
  "udpSocket",
  "$",
  "sleepSync",
  "stdout",
  "stderr",
  "openInEditor",
  "dns",
  "sql",
  "s3",
  "redis",
]);

/** Process members that read or change the machine. */
const PROCESS_ESCAPES = new Set([
  "stdin",
  "kill",
  "chdir",
  "cpuUsage",
  "resourceUsage",
  "memoryUsage",
  "dlopen",
  "binding",
]);

/** Builds every shadowed global of one instance; `seed` draws its randomness. */
export function instanceGlobals(
  host: InstanceHost,
  seed: number,
  importMeta: (require: (name: string) => unknown) => unknown,
): Record<ShadowedGlobal, unknown> {
  const rng = new Rng(seed);
  const startedMs = host.nowMs();
  const timers = virtualTimers(host);
  const random = virtualRandom(rng);
  const vPerformance = virtualPerformance(host, startedMs);
  const vDate = virtualDate(host);
  const vMath = Object.create(Math, { random: { value: () => rng.float() } }) as Math;
  const vProcess = virtualProcess(host, startedMs);
  const vConsole = virtualConsole(host);
  const vBun = virtualBun(host, timers.sleep, startedMs);
  const overlay = new Map<PropertyKey, unknown>();
  const globals = {} as Record<ShadowedGlobal, unknown>;
  const require = (name: string): unknown => requireModule(name, host, globals, random, timers);
  const vGlobal = new Proxy(globalThis, {
    get: (target, key) => {
      if (key === RUNTIME_HOST_KEY) return host.runtimeHost;
      if (overlay.has(key)) return overlay.get(key);
      if (typeof key === "string" && key in globals && key !== "__simRequire" && key !== "__importMeta")
        return globals[key as ShadowedGlobal];
      return Reflect.get(target, key);
    },
    set: (_target, key, value) => {
      overlay.set(key, value); // an instance's own globals stay its own
      return true;
    },
    has: (target, key) => overlay.has(key) || Reflect.has(target, key),
  });
  Object.assign(globals, {
    __simRequire: require,
    __importMeta: importMeta(require),
    globalThis: vGlobal,
    global: vGlobal,
    self: vGlobal,
    Date: vDate,
    performance: vPerformance,
    ...timers.globals,
    Math: vMath,
    crypto: random.webCrypto,
    Bun: vBun,
    process: vProcess,
    console: vConsole,
    Worker: escaping(host, "new Worker", globalThis.Worker),
    fetch: escaping(host, "fetch", globalThis.fetch),
    WebSocket: escaping(host, "new WebSocket", globalThis.WebSocket),
  });
  return globals;
}

/** A function or class that works as the real one but reports an escape each time it is used. */
function escaping<T>(host: InstanceHost, what: string, real: T): T {
  if (typeof real !== "function") return real;
  return new Proxy(real, {
    apply: (target, self, args) => {
      host.escape(what);
      return Reflect.apply(target as (...a: unknown[]) => unknown, self, args);
    },
    construct: (target, args) => {
      host.escape(what);
      return Reflect.construct(target as new (...a: unknown[]) => object, args);
    },
  }) as T;
}

/** A module object whose functions report an escape when called (its constants are read freely). */
function escapingModule(host: InstanceHost, name: string, real: object, own: Record<string, unknown> = {}): object {
  const wrapped = new Map<PropertyKey, unknown>();
  const module: object = new Proxy(real, {
    get: (target, key) => {
      if (key === "default") return module;
      if (typeof key === "string" && key in own) return own[key];
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      if (!wrapped.has(key)) wrapped.set(key, escaping(host, `${name}.${String(key)}`, value));
      return wrapped.get(key);
    },
  });
  return module;
}

interface VirtualTimers {
  globals: Pick<
    Record<ShadowedGlobal, unknown>,
    "setTimeout" | "clearTimeout" | "setInterval" | "clearInterval" | "setImmediate" | "clearImmediate"
  >;
  sleep: (ms: number) => Promise<void>;
}

/** A timer handle shaped like Bun's (ref/unref/hasRef/refresh), usable as a number too. */
class VirtualTimer {
  cancel: () => void = () => {};
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

/** setTimeout and friends as events of the instance, on virtual time. */
function virtualTimers(host: InstanceHost): VirtualTimers {
  const active = new Map<number, VirtualTimer>();
  let nextId = 1;
  const start = (delayMs: unknown, repeat: boolean, fn: unknown, args: unknown[]): VirtualTimer => {
    const timer = new VirtualTimer(nextId++);
    const periodMs = Math.max(repeat ? 1 : 0, Number(delayMs) || 0);
    const fire = () => {
      if (repeat) timer.cancel = host.schedule(periodMs, fire);
      else active.delete(timer.id);
      if (typeof fn === "function") fn(...args);
    };
    timer.cancel = host.schedule(periodMs, fire);
    active.set(timer.id, timer);
    return timer;
  };
  const clear = (handle: unknown) => {
    const id = handle instanceof VirtualTimer ? handle.id : Number(handle);
    active.get(id)?.cancel();
    active.delete(id);
  };
  return {
    globals: {
      setTimeout: (fn: unknown, delayMs?: unknown, ...args: unknown[]) => start(delayMs, false, fn, args),
      setInterval: (fn: unknown, delayMs?: unknown, ...args: unknown[]) => start(delayMs, true, fn, args),
      setImmediate: (fn: unknown, ...args: unknown[]) => start(0, false, fn, args),
      clearTimeout: clear,
      clearInterval: clear,
      clearImmediate: clear,
    },
    sleep: (ms) => new Promise<void>((done) => host.schedule(ms, done)),
  };
}

interface VirtualRandom {
  fill<T extends ArrayBufferView>(view: T): T;
  uuid(): string;
  webCrypto: Crypto;
}

/** crypto's random functions drawn from the instance's seeded stream. */
function virtualRandom(rng: Rng): VirtualRandom {
  const fill = <T extends ArrayBufferView>(view: T): T => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(0, 256);
    return view;
  };
  const uuid = () => {
    const bytes = fill(new Uint8Array(16));
    bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const webCrypto = new Proxy(globalThis.crypto, {
    get: (target, key) => {
      if (key === "getRandomValues") return fill;
      if (key === "randomUUID") return uuid;
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { fill, uuid, webCrypto };
}

/** performance.now from the instance's start, as a fresh process's. */
function virtualPerformance(host: InstanceHost, startedMs: number): Performance {
  const timeOrigin = SIM_EPOCH_MS + startedMs;
  return new Proxy(globalThis.performance, {
    get: (target, key) => {
      if (key === "now") return () => host.nowMs() - startedMs;
      if (key === "timeOrigin") return timeOrigin;
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Date on virtual time: `new Date()`, `Date.now()` and `Date()` read the simulated now. */
function virtualDate(host: InstanceHost): DateConstructor {
  const nowMs = () => SIM_EPOCH_MS + Math.floor(host.nowMs());
  return new Proxy(Date, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [nowMs()] : args, newTarget),
    apply: () => new Date(nowMs()).toString(),
    get: (target, key) => (key === "now" ? nowMs : Reflect.get(target, key)),
  });
}

/** One stream of the instance's stdout or stderr, enough for `process.stdout.write`. */
function stream(write: (text: string) => void, fd: number): object {
  const self = {
    fd,
    isTTY: false,
    write: (chunk: unknown) => {
      write(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return true;
    },
    on: () => self,
    once: () => self,
    off: () => self,
    end: () => {},
  };
  return self;
}

/** process for the instance: its own argv, output and exit, a virtual clock, and listeners that go nowhere. */
function virtualProcess(host: InstanceHost, startedMs: number): NodeJS.Process {
  const elapsedNs = () => BigInt(Math.round(msToNanos(host.nowMs() - startedMs)));
  const hrtime = Object.assign(
    (previous?: [number, number]) => {
      const ns = elapsedNs() - (previous ? BigInt(previous[0]) * 1_000_000_000n + BigInt(previous[1]) : 0n);
      return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
    },
    { bigint: elapsedNs },
  );
  const env = nodeEnvironment();
  const own: Record<string, unknown> = {
    argv: ["bun", host.bin, ...host.args],
    env,
    pid: 1000 + host.index,
    stdout: stream((text) => host.stdout(text), 1),
    stderr: stream((text) => host.stderr(text), 2),
    exit: (code?: number) => host.exit(code ?? 0),
    hrtime,
    uptime: () => (host.nowMs() - startedMs) / 1000,
  };
  const proxy: NodeJS.Process = new Proxy(process, {
    get: (target, key) => {
      if (typeof key !== "string") return Reflect.get(target, key);
      if (key in own) return own[key];
      if (
        /^(on|once|off|addListener|removeListener|removeAllListeners|prependListener|prependOnceListener|emit)$/.test(
          key,
        )
      ) {
        return () => proxy; // signals and process events never come to an instance
      }
      if (PROCESS_ESCAPES.has(key)) host.escape(`process.${key}`);
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return proxy;
}

/** console for the instance: log and info to its stdout (as Bun's), the rest to its stderr. */
function virtualConsole(host: InstanceHost): Console {
  const toStdout = (...args: unknown[]) => host.stdout(`${format(...args)}\n`);
  const toStderr = (...args: unknown[]) => host.stderr(`${format(...args)}\n`);
  return new Proxy(console, {
    get: (target, key) => {
      if (key === "log" || key === "info" || key === "debug" || key === "dir" || key === "table") return toStdout;
      if (key === "error" || key === "warn" || key === "trace") return toStderr;
      return Reflect.get(target, key);
    },
  });
}

/** Bun for the instance: its stdin, virtual sleep and nanoseconds; the machine's members escape. */
function virtualBun(host: InstanceHost, sleep: (ms: number) => Promise<void>, startedMs: number): typeof Bun {
  const own: Record<string, unknown> = {
    stdin: { stream: () => host.input },
    sleep: (until: number | Date) =>
      sleep(until instanceof Date ? until.getTime() - SIM_EPOCH_MS - host.nowMs() : until),
    nanoseconds: () => Math.round(msToNanos(host.nowMs() - startedMs)),
    argv: ["bun", host.bin, ...host.args],
    main: host.bin,
  };
  const bun: typeof Bun = new Proxy(Bun, {
    get: (target, key) => {
      if (key === "default") return bun;
      if (typeof key === "string" && key in own) return own[key];
      if (typeof key === "string" && BUN_ESCAPES.has(key)) host.escape(`Bun.${key}`);
      return Reflect.get(target, key);
    },
  });
  return bun;
}

/** The answer to one `import … from "name"` of the bundle. */
function requireModule(
  name: string,
  host: InstanceHost,
  globals: Record<ShadowedGlobal, unknown>,
  random: VirtualRandom,
  timers: VirtualTimers,
): unknown {
  const bare = name.replace(/^node:/, "");
  switch (bare) {
    case "fs":
      return escapingModule(host, "fs", realFs, { writeSync: (fd: number, data: unknown) => writeStd(host, fd, data) });
    case "crypto":
      return escapingModule(host, "crypto", realCrypto, {
        randomFillSync: (buffer: ArrayBufferView) => random.fill(buffer),
        randomBytes: (size: number) => random.fill(Buffer.alloc(size)),
        randomUUID: random.uuid,
        getRandomValues: random.fill,
        webcrypto: globals.crypto,
      });
    case "timers":
      return { ...timers.globals, default: timers.globals };
    case "timers/promises":
      return { setTimeout: (ms: number, value?: unknown) => timers.sleep(ms).then(() => value) };
    case "process":
      return globals.process;
    case "perf_hooks":
      return { performance: globals.performance };
    case "bun":
      return globals.Bun;
  }
  if (PURE_MODULES.has(bare)) return nodeRequire(name);
  host.escape(`import "${name}"`);
  return nodeRequire(name);
}

const nodeRequire = createRequire(import.meta.url);

/** fs.writeSync to fd 1 or 2 is the instance's output; to any other descriptor, an escape. */
function writeStd(host: InstanceHost, fd: number, data: unknown): number {
  const text = typeof data === "string" ? data : Buffer.from(data as Uint8Array).toString();
  if (fd === 1) host.stdout(text);
  else if (fd === 2) host.stderr(text);
  else {
    host.escape(`fs.writeSync to descriptor ${fd}`);
    return realFs.writeSync(fd, text);
  }
  return Buffer.byteLength(text);
}
