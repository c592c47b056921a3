import type { Command } from "commander";
import { AdminApi } from "../services/admin-api.js";
import { serverConnection } from "../services/connection-options.js";

/** The API client for a command's --server and --token (already merged with their env fallbacks). */
export function apiFor(cmd: Command): AdminApi {
  return new AdminApi(serverConnection(cmd.optsWithGlobals()));
}

export function withJson(cmd: Command): Command {
  return cmd.option("--json", "print JSON (the API's protobuf JSON) instead of a table");
}

// Kept apart (help-text.ts) so the top-level help loads no API client.
export { examples } from "./help-text.js";
