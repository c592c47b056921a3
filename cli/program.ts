import { readFileSync } from "node:fs";
import { Command } from "commander";
import { examples } from "./commands/help-text.js";

/** package.json is one level up from the sources (cli/) and two from the build (dist/cli/). */
function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { version: string }).version;
    } catch {
      // not at this level
    }
  }
  return "unknown";
}

type CommandModule = { register(parent: Command): void };
type Loader = () => Promise<CommandModule>;

/**
 * A noun with its verbs, each verb in its own file under commands/<noun>/. The files are imported
 * only when the command line names them: a command pulls in the protobuf code, Connect, Ink/React
 * or kafkajs, and loading all of them made every start (even --help) pay for all of them.
 */
interface Noun {
  name: string;
  description: string;
  verbs: Record<string, Loader>;
  examples: string[];
}

const nouns: Noun[] = [
  {
    name: "concerts",
    description: "list, show, create and update concerts",
    verbs: {
      list: () => import("./commands/concerts/list.js"),
      show: () => import("./commands/concerts/show.js"),
      create: () => import("./commands/concerts/create.js"),
      update: () => import("./commands/concerts/update.js"),
    },
    examples: ["concert-admin concerts list", "concert-admin concerts show 12"],
  },
  {
    name: "schedules",
    description: "add dates (with their seats) to a concert",
    verbs: { add: () => import("./commands/schedules/add.js") },
    examples: ["concert-admin schedules add 12 --date 2026-05-01 --time 19:30 --grade R:50:150000"],
  },
  {
    name: "queue",
    description: "inspect and steer a concert's waiting room",
    verbs: {
      stats: () => import("./commands/queue/stats.js"),
      list: () => import("./commands/queue/list.js"),
      policy: () => import("./commands/queue/policy.js"),
      remove: () => import("./commands/queue/remove.js"),
    },
    examples: ["concert-admin queue stats 12 --watch", "concert-admin queue policy 12 --max-active 100"],
  },
  {
    name: "draw",
    description: "check a concert's opening draw from public data (GetDraw)",
    verbs: { verify: () => import("./commands/draw/verify.js") },
    examples: ["concert-admin draw verify 12", "concert-admin draw verify 12 --user 7 --nonce 3f9c…"],
  },
  {
    name: "events",
    description: "watch the domain events on Kafka",
    verbs: { watch: () => import("./commands/events/watch.js") },
    examples: ["concert-admin events watch --type SeatsHeld"],
  },
  {
    name: "outbox",
    description: "see, replay or skip outbox events Kafka refused OUTBOX_MAX_ATTEMPTS times (dead letters)",
    verbs: {
      list: () => import("./commands/outbox/list.js"),
      replay: () => import("./commands/outbox/replay.js"),
      skip: () => import("./commands/outbox/skip.js"),
    },
    examples: ["concert-admin outbox list", "concert-admin outbox replay 1042 1043", "concert-admin outbox skip --all --topic payment-events"],
  },
  {
    name: "token",
    description: "JWTs for local use",
    verbs: { mint: () => import("./commands/token/mint.js") },
    examples: ["concert-admin token mint --user 1 --admin"],
  },
  {
    name: "db",
    description: "back up and restore the database and the Redis snapshot",
    verbs: {
      backup: () => import("./commands/db/backup.js"),
      restore: () => import("./commands/db/restore.js"),
    },
    examples: ["concert-admin db backup --out /var/backups/concert", "concert-admin db restore /var/backups/concert/concert-2026-05-01T03-00-00-000Z --database concert_restored"],
  },
];

/** Commands that are a single verb at the top level (`concert-admin sales <concertId>`). */
const topLevel: Record<string, { description: string; load: Loader }> = {
  sales: { description: "held, sold and revenue per schedule of a concert (admin)", load: () => import("./commands/sales/show.js") },
  reconcile: {
    description: "report (and with --repair fix from MySQL) every difference between Redis seat state and MySQL for a schedule (admin)",
    load: () => import("./commands/reconcile/run.js"),
  },
  waitlist: {
    description: "waiting list of a sold-out schedule: how many wait and the offers open now (admin)",
    load: () => import("./commands/waitlist/show.js"),
  },
};

/** The noun and verb the command line names (options never come before the noun: none are global). */
function wanted(argv: string[]): { noun?: string; verb?: string } {
  const words = argv.slice(2).filter((a) => !a.startsWith("-"));
  if (words[0] === "help") words.shift();
  return { noun: words[0], verb: words[1] };
}

/**
 * The command tree for this command line. exitOverride() makes commander throw instead of exiting,
 * so main decides the exit code (usage errors are 2); commands created with .command() inherit it.
 * A noun the line does not name is registered bare (name and description, enough for the top-level
 * help); an unknown word loads everything, so commander can suggest the nearest command.
 */
export async function createProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command("concert-admin")
    .description("Operate the concert reservation service from a terminal: catalogue, waiting room, sales and the Kafka topics.")
    .version(packageVersion(), "-V, --version")
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
      "3 server or Kafka unreachable, 4 not signed in / not an admin, 5 not found, 6 drift found (reconcile).\n",
  );
  const { noun: named, verb: namedVerb } = wanted(argv);
  const known = nouns.some((n) => n.name === named) || (named !== undefined && named in topLevel);
  const loadAll = named !== undefined && !known;

  for (const n of nouns) {
    const cmd = program.command(n.name).description(n.description);
    if (loadAll || n.name === named) {
      const verbs = namedVerb !== undefined && namedVerb in n.verbs && !loadAll ? [n.verbs[namedVerb]] : Object.values(n.verbs);
      for (const m of await Promise.all(verbs.map((load) => load()))) m.register(cmd);
      examples(cmd, ...n.examples);
    }
  }
  for (const [name, t] of Object.entries(topLevel)) {
    if (loadAll || name === named) (await t.load()).register(program);
    else program.command(name).description(t.description);
  }
  return program;
}
