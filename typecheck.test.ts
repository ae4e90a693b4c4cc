// Bun runs TypeScript without checking its types, so the typed message bodies, the harness
// contracts and the @ts-expect-error lines of the runtime's type-level tests are only held to
// account here: the whole project must pass `tsc --noEmit`.
import { expect, test } from "bun:test";

test("the whole project type-checks (tsc --noEmit)", async () => {
  const tsc = Bun.spawn([process.execPath, "x", "tsc", "--noEmit", "-p", "."], {
    cwd: import.meta.dir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const output = (await new Response(tsc.stdout).text()) + (await new Response(tsc.stderr).text());
  expect(output.trim()).toBe("");
  expect(await tsc.exited).toBe(0);
});
