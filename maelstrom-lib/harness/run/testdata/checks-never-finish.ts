// Preloaded into a runner process (`bun --preload`) by run-folder.test.ts: the history checks
// start and never finish, as a long lin-kv or Elle check would not, so that a test can signal
// the runner while it checks. Each step is one line on stderr for the test to wait on.
Bun.plugin({
  name: "checks-never-finish",
  setup(build) {
    build.onLoad({ filter: /\/harness\/run\/checking\.ts$/ }, () => ({
      loader: "ts",
      contents: `
        export function checkSavedHistory() {
          console.error("checks started");
          const busy = setInterval(() => {}, 1000); // a checker at work keeps the process alive
          const cancel = () => {
            clearInterval(busy);
            console.error("checks cancelled");
          };
          return { result: new Promise(() => {}), cancel };
        }`,
    }));
  },
});
