import { readFileSync } from "node:fs";
import { Command } from "commander";
import * as concertsCreate from "./commands/concerts/create.js";
import * as concertsList from "./commands/concerts/list.js";
import * as concertsShow from "./commands/concerts/show.js";
import * as concertsUpdate from "./commands/concerts/update.js";
import * as eventsWatch from "./commands/events/watch.js";
import * as queueList from "./commands/queue/list.js";
import * as queuePolicy from "./commands/queue/policy.js";
import * as queueRemove from "./commands/queue/remove.js";
import * as queueStats from "./commands/queue/stats.js";
import * as salesShow from "./commands/sales/show.js";
import * as schedulesAdd from "./commands/schedules/add.js";
import * as tokenMint from "./commands/token/mint.js";
import { examples } from "./commands/command-helpers.js";

const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** A noun with its verbs, each verb in its own file under commands/<noun>/. */
function noun(program: Command, name: string, description: string, verbs: { register(parent: Command): void }[], ...example: string[]): Command {
  const cmd = program.command(name).description(description);
  for (const v of verbs) v.register(cmd);
  return examples(cmd, ...example);
}

/**
 * The command tree. exitOverride() makes commander throw instead of exiting, so main decides the
 * exit code (usage errors are 2); commands created with .command() inherit it.
 */
export function createProgram(): Command {
  const program = new Command("concert-admin")
    .description("Operate the concert reservation service from a terminal: catalogue, waiting room, sales and the Kafka topics.")
    .version(version, "-V, --version")
    .exitOverride()
    .showSuggestionAfterError(true);
  examples(
    program,
    "export CONCERT_ADMIN_TOKEN=$(concert-admin token mint --user 1 --admin)",
    'concert-admin concerts create --title "IU 2026 Seoul" --artist IU --venue "KSPO Dome"',
    "concert-admin schedules add 1 --date 2026-05-01 --time 19:30 --grade R:50:150000",
    "concert-admin queue stats 1 --watch",
    "concert-admin events watch --type SeatsHeld",
  );
  program.addHelpText(
    "after",
    "Connection: --server (CONCERT_SERVER, default http://127.0.0.1:8080), --token (CONCERT_ADMIN_TOKEN),\n" +
      "--brokers (KAFKA_BROKERS, default 127.0.0.1:9092). Exit codes: 0 ok, 1 failed, 2 bad usage,\n" +
      "3 server or Kafka unreachable, 4 not signed in / not an admin, 5 not found.\n",
  );
  noun(program, "concerts", "list, show, create and update concerts", [concertsList, concertsShow, concertsCreate, concertsUpdate], "concert-admin concerts list", "concert-admin concerts show 12");
  noun(program, "schedules", "add dates (with their seats) to a concert", [schedulesAdd], "concert-admin schedules add 12 --date 2026-05-01 --time 19:30 --grade R:50:150000");
  noun(program, "queue", "inspect and steer a concert's waiting room", [queueStats, queueList, queuePolicy, queueRemove], "concert-admin queue stats 12 --watch", "concert-admin queue policy 12 --max-active 100");
  salesShow.register(program);
  noun(program, "events", "watch the domain events on Kafka", [eventsWatch], "concert-admin events watch --type SeatsHeld");
  noun(program, "token", "JWTs for local use", [tokenMint], "concert-admin token mint --user 1 --admin");
  return program;
}
