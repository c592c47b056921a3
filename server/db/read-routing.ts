import { AsyncLocalStorage } from "node:async_hooks";
import { ConnectionError, QueryTypes, Sequelize, type Options } from "sequelize";

/**
 * Read routing of SPEC 7.4. Every query goes to the primary (DATABASE_URL) unless it runs inside
 * `onReplica()`: only catalogue and stats reads are wrapped so; the caller's own records
 * (GetReservation, ListMyReservations, GetBalance) and everything inside a transaction stay on the
 * primary by default, so a new read path can never silently read stale rows.
 *
 * A read sent to the replicas first makes them catch up with what the primary has committed
 * (MASTER_GTID_WAIT on the primary's @@gtid_binlog_pos, bounded by `waitSeconds`): an operator who
 * just created a concert sees it in ListConcerts, from any server process. A replica that is behind
 * by more than that, down, or failing sends the read to the primary and is skipped for `downMs`.
 */
const replicaScope = new AsyncLocalStorage<true>();
const routings = new WeakMap<Sequelize, ReadRouting>();

export interface ReplicaTarget {
  name: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  database: string;
}

interface Replica extends ReplicaTarget {
  /** A two-connection pool of its own: readiness checks and GTID waits never queue behind reads. */
  probe: Sequelize;
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "PROTOCOL_CONNECTION_LOST", "ETIMEDOUT", "EHOSTUNREACH", "ER_SERVER_SHUTDOWN"]);

function isConnectionFailure(e: unknown): boolean {
  if (e instanceof ConnectionError) return true;
  const code = (e as { original?: { code?: string }; parent?: { code?: string } })?.original?.code ?? (e as { parent?: { code?: string } })?.parent?.code;
  return code !== undefined && CONNECTION_CODES.has(code);
}

export class ReadRouting {
  private readonly replicas: Replica[];
  private skipUntil = 0;
  /** Reads served by the replicas / sent to the primary instead (tests and /metrics read these). */
  readonly counts = { replica: 0, primary: 0 };

  constructor(
    private readonly primary: Sequelize,
    targets: ReplicaTarget[],
    common: Options,
    private readonly opts: { waitSeconds?: number; downMs?: number } = {},
  ) {
    this.replicas = targets.map((t) => ({
      ...t,
      probe: new Sequelize(t.database, t.username, t.password, {
        ...common,
        host: t.host,
        port: t.port,
        pool: { max: 2, min: 0, acquire: 2_000, idle: 10_000 },
        dialectOptions: { ...(common.dialectOptions ?? {}), connectTimeout: 2_000 },
      }),
    }));
    // Sequelize sends a SELECT outside a transaction to its read pool unless `useMaster` is set:
    // default it to the primary, except inside onReplica().
    primary.addHook("beforePoolAcquire", (options: { useMaster?: boolean }) => {
      if (options && options.useMaster === undefined) options.useMaster = replicaScope.getStore() !== true;
    });
    routings.set(primary, this);
  }

  get names(): string[] {
    return this.replicas.map((r) => r.name);
  }

  async onReplica<T>(fn: () => Promise<T>): Promise<T> {
    if (await this.caughtUp()) {
      try {
        const out = await replicaScope.run(true, fn);
        this.counts.replica++;
        return out;
      } catch (e) {
        if (!isConnectionFailure(e)) throw e;
        this.skipUntil = Date.now() + (this.opts.downMs ?? 2_000);
      }
    }
    this.counts.primary++;
    return fn();
  }

  /** True when every replica has applied all the primary has committed (within waitSeconds). */
  private async caughtUp(): Promise<boolean> {
    if (Date.now() < this.skipUntil) return false;
    try {
      const [row] = await this.primary.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos", { type: QueryTypes.SELECT, useMaster: true });
      const pos = row?.pos ?? "";
      if (pos === "") return true;
      const waits = await Promise.all(
        this.replicas.map((r) =>
          r.probe.query<{ w: number | string }>("SELECT MASTER_GTID_WAIT(?, ?) AS w", {
            replacements: [pos, this.opts.waitSeconds ?? 1],
            type: QueryTypes.SELECT,
          }),
        ),
      );
      if (waits.every(([w]) => Number(w?.w) === 0)) return true;
    } catch {
      /* a replica that cannot answer is skipped below */
    }
    this.skipUntil = Date.now() + (this.opts.downMs ?? 2_000);
    return false;
  }

  /** One readiness check per replica, named `mysql-replica:<host>:<port>` (SPEC 7.4). */
  checks(): Array<{ name: string; check(): Promise<void> }> {
    return this.replicas.map((r) => ({
      name: `mysql-replica:${r.name}`,
      check: async () => {
        const [row] = await r.probe.query<{ running: number | string }>(
          "SELECT COUNT(*) AS running FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVES_RUNNING' AND VARIABLE_VALUE > 0",
          { type: QueryTypes.SELECT },
        );
        if (Number(row?.running) !== 1) throw new Error("replica answers but does not replicate (replication threads stopped)");
      },
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.probe.close().catch(() => {})));
  }
}

export function readRoutingOf(db: Sequelize): ReadRouting | undefined {
  return routings.get(db);
}

/** Runs fn so that its reads may go to the replicas of db (a plain call when db has none). */
export function onReplica<T>(db: Sequelize, fn: () => Promise<T>): Promise<T> {
  const r = routings.get(db);
  return r ? r.onReplica(fn) : fn();
}

/** A view of `target` whose named methods read through onReplica() (catalogue and stats reads). */
export function replicaReads<T extends object>(db: Sequelize, target: T, methods: ReadonlyArray<keyof T>): T {
  const view = Object.create(target) as T;
  for (const m of methods) {
    const fn = target[m] as unknown as (...a: unknown[]) => Promise<unknown>;
    (view as Record<keyof T, unknown>)[m] = (...args: unknown[]) => onReplica(db, () => fn.apply(target, args));
  }
  return view;
}
