/** Broadcast over a star of reliable batched links (challenges 3d and 3e). */
export { StarBroadcast, type StarSchedule, type StarMessages } from "./star.ts";
