// Everything that draws with Ink, loaded only when stdout is a terminal: Ink (with its layout
// engine) is the slowest part of start-up, and scripts piping --json never need it.
export { Box, Text, render } from "ink";
export { Table } from "./table.js";
export { Details } from "./details.js";
export { Await } from "./await-result.js";
export { QueueStatsLive } from "./queue-dashboard.js";
export { EventTailLive } from "./event-tail.js";

export type Ui = typeof import("./ui.js");
