/**
 * Opens a page in real headless Chromium over the DevTools protocol (Bun's built-in
 * WebSocket, no npm driver) and reports what a person would notice: script errors, console
 * errors, every request the page made, the value of a probe expression, and a screenshot.
 * Used by the report's browser test and to make the README's picture.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Whether headless Chromium can be used on this machine. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** What to do with the page. */
export interface InspectOptions {
  /** A JavaScript expression evaluated after load; its JSON value is returned. */
  probe: string;
  /** Where to write a PNG of the viewport, if anywhere. */
  screenshotPath?: string;
  /** Scales the screenshot down (0.5 = half size), for small pictures in docs. */
  screenshotScale?: number;
  /** Starts the screenshot at the top of the first element matching this CSS selector. */
  screenshotFrom?: string;
  viewportWidthPx?: number;
  viewportHeightPx?: number;
  /** Gives up (and kills the browser) after this long. */
  timeoutMs?: number;
}

/** What the browser saw. */
export interface PageInspection {
  /** Uncaught exceptions (Runtime.exceptionThrown). */
  scriptErrors: string[];
  /** console.error calls and browser log entries of level error. */
  consoleErrors: string[];
  /** URLs of every request the page made, the page itself included. */
  requestUrls: string[];
  probeValue: unknown;
}

const LAUNCH_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--hide-scrollbars",
  "--remote-debugging-port=0",
];

type CdpEvent = { method: string; params: Record<string, any>; sessionId?: string };

/** A minimal DevTools protocol client: numbered commands, promise per reply, one event listener. */
class CdpClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly socket: WebSocket,
    onEvent: (event: CdpEvent) => void,
  ) {
    socket.addEventListener("message", (message) => {
      const data = JSON.parse(String(message.data));
      if (data.id === undefined) return onEvent(data as CdpEvent);
      const entry = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (data.error) entry?.reject(new Error(`${data.error.message} (${data.error.code})`));
      else entry?.resolve(data.result);
    });
  }

  /** Sends one command (to a page session when `sessionId` is given) and waits for its result. */
  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }
}

/** Reads chromium's stderr until it prints its DevTools websocket address. */
async function devtoolsAddress(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let seen = "";
  for await (const chunk of stderr) {
    seen += decoder.decode(chunk, { stream: true });
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
    if (match) return match[1]!;
  }
  throw new Error(`chromium exited before opening DevTools:\n${seen.slice(-2000)}`);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The document y of an element's top edge (0 when nothing matches). */
async function elementTopPx(cdp: CdpClient, sessionId: string, selector: string): Promise<number> {
  const expression =
    `(() => { const element = document.querySelector(${JSON.stringify(selector)}); return element ` +
    `? element.getBoundingClientRect().top + window.scrollY : 0; })()`;
  const { result } = await cdp.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
  return Math.max(0, Math.floor(Number(result?.value ?? 0)));
}

/** Loads `url` in a fresh headless Chromium, waits for the load event, probes, screenshots, closes. */
export async function inspectPage(url: string, options: InspectOptions): Promise<PageInspection> {
  const profileDir = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const browser = Bun.spawn([CHROMIUM_PATH, ...LAUNCH_FLAGS, `--user-data-dir=${profileDir}`, "about:blank"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    return await withTimeout(drive(browser, url, options), options.timeoutMs ?? 60_000, `chromium on ${url}`);
  } finally {
    browser.kill();
    await browser.exited;
    rmSync(profileDir, { recursive: true, force: true });
  }
}

async function drive(
  browser: Bun.Subprocess<"ignore", "ignore", "pipe">,
  url: string,
  options: InspectOptions,
): Promise<PageInspection> {
  const address = await devtoolsAddress(browser.stderr);
  const socket = new WebSocket(address);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot connect to ${address}`)), { once: true });
  });
  const inspection: PageInspection = { scriptErrors: [], consoleErrors: [], requestUrls: [], probeValue: undefined };
  let onLoad: () => void = () => {};
  const loaded = new Promise<void>((resolve) => (onLoad = resolve));
  const cdp = new CdpClient(socket, (event) => {
    const { method, params } = event;
    if (method === "Page.loadEventFired") onLoad();
    else if (method === "Runtime.exceptionThrown") {
      const details = params.exceptionDetails;
      inspection.scriptErrors.push(String(details.exception?.description ?? details.text));
    } else if (method === "Runtime.consoleAPICalled" && params.type === "error") {
      inspection.consoleErrors.push(params.args.map((arg: any) => arg.value ?? arg.description).join(" "));
    } else if (method === "Log.entryAdded" && params.entry.level === "error") {
      inspection.consoleErrors.push(`${params.entry.text} ${params.entry.url ?? ""}`.trim());
    } else if (method === "Network.requestWillBeSent") {
      inspection.requestUrls.push(params.request.url);
    }
  });
  try {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    for (const domain of ["Page", "Runtime", "Log", "Network"]) await cdp.send(`${domain}.enable`, {}, sessionId);
    const viewportWidthPx = options.viewportWidthPx ?? 1100;
    const viewportHeightPx = options.viewportHeightPx ?? 1400;
    await cdp.send(
      "Emulation.setDeviceMetricsOverride",
      { width: viewportWidthPx, height: viewportHeightPx, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    await cdp.send("Page.navigate", { url }, sessionId);
    await loaded;
    const evaluation = await cdp.send(
      "Runtime.evaluate",
      { expression: options.probe, returnByValue: true, awaitPromise: true },
      sessionId,
    );
    if (evaluation.exceptionDetails)
      inspection.scriptErrors.push(`probe: ${evaluation.exceptionDetails.exception?.description}`);
    inspection.probeValue = evaluation.result?.value;
    if (options.screenshotPath) {
      const topPx = options.screenshotFrom ? await elementTopPx(cdp, sessionId, options.screenshotFrom) : 0;
      const clip = {
        x: 0,
        y: topPx,
        width: viewportWidthPx,
        height: viewportHeightPx,
        scale: options.screenshotScale ?? 1,
      };
      const { data } = await cdp.send(
        "Page.captureScreenshot",
        { format: "png", clip, captureBeyondViewport: true },
        sessionId,
      );
      await Bun.write(options.screenshotPath, Buffer.from(data, "base64"));
    }
    return inspection;
  } finally {
    socket.close();
  }
}
