/**
 * Time as the runner sees it: a `RealClock` made when the run starts reads milliseconds since
 * then. The runner and the node runtime share one clock design, so this re-exports
 * node/clock.ts; harness modules import it from here.
 */
export { type Cancel, type Clock, RealClock, FakeClock, sleep, every } from "../../node/clock.ts";
