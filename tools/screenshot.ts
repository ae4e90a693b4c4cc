#!/usr/bin/env bun
/**
 * `bun tools/screenshot.ts <run folder> <out.png> [width height scale [selector]]`:
 * photographs a run's report in headless Chromium, from the top or from the element matching
 * `selector` (how the README's pictures were made).
 */
import { join, resolve } from "node:path";
import { chromiumAvailable, CHROMIUM_PATH, inspectPage } from "./chromium.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

const [runDir, outPath, width = "1000", height = "1500", scale = "0.7", selector] = process.argv.slice(2);
if (!runDir || !outPath) {
  console.error("usage: screenshot.ts <run folder> <out.png> [width height scale [selector]]");
  process.exit(254);
}
if (!chromiumAvailable()) {
  console.error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  process.exit(1);
}
const page = await inspectPage(`file://${join(resolve(runDir), RUN_FILES.report)}`, {
  probe: "document.documentElement.dataset.reportReady",
  screenshotPath: outPath,
  viewportWidthPx: Number(width),
  viewportHeightPx: Number(height),
  screenshotScale: Number(scale),
  screenshotFrom: selector,
});
if (page.scriptErrors.length) console.error(`script errors: ${page.scriptErrors.join("; ")}`);
console.log(`wrote ${outPath}`);
