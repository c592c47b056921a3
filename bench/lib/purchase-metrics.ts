/**
 * What hold-then-pay costs on each side (issue 16): the server processes' CPU time, read from
 * /proc/<pid>/stat (the server and its cluster workers) before and after a scenario, and MySQL's own
 * counters (SHOW GLOBAL STATUS deltas: commits, fsyncs). CPU time rather than wall throughput, because
 * on a shared 2-core machine other work steals wall time but not CPU time.
 */
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import { QueryTypes, type Sequelize } from "sequelize";

const TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** utime + stime of one process, in ms (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/**
 * Read and write syscalls (syscr/syscw of /proc/<pid>/io) of the server and its workers: every socket
 * write to MySQL, Redis, Kafka or a client is one, so per purchase it counts round trips and replies
 * whatever else the machine is doing (CPU ms per purchase swells on a busy machine; this does not).
 */
export function serverSyscalls(pid: number): { reads: number; writes: number } {
  const one = (p: number) => {
    try {
      const io = fs.readFileSync(`/proc/${p}/io`, "utf8");
      const num = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, "m").exec(io)?.[1] ?? 0);
      return { reads: num("syscr"), writes: num("syscw") };
    } catch {
      return { reads: 0, writes: 0 };
    }
  };
  return [pid, ...childrenOf(pid)].map(one).reduce((a, b) => ({ reads: a.reads + b.reads, writes: a.writes + b.writes }));
}

/** CPU ms used so far by the server process and its workers (node:cluster forks). */
export function serverCpuMs(pid: number): number {
  return procCpuMs(pid) + childrenOf(pid).reduce((n, c) => n + procCpuMs(c), 0);
}

const STATUS = ["Com_commit", "Com_rollback", "Innodb_data_fsyncs", "Innodb_os_log_fsyncs", "Innodb_log_writes", "Questions", "Com_stmt_execute", "Com_stmt_prepare"];

export async function mysqlStatus(db: Sequelize): Promise<Record<string, number>> {
  const rows = await db.query<{ Variable_name: string; Value: string }>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => "?").join(", ")})`,
    { replacements: STATUS, type: QueryTypes.SELECT },
  );
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

export interface CostProbe {
  /** Call when the scenario is over: per-unit costs over what happened since the probe began. */
  finish(units: number): Promise<Record<string, unknown>>;
}

/**
 * Starts measuring. The MySQL counters are global: on a shared server (3306, other work running)
 * they include everyone's statements, so the figures are an upper bound there.
 */
export async function startCostProbe(pid: number, db: Sequelize): Promise<CostProbe> {
  const cpu0 = serverCpuMs(pid);
  const sys0 = serverSyscalls(pid);
  const my0 = await mysqlStatus(db);
  const t0 = performance.now();
  return {
    async finish(units: number) {
      const seconds = (performance.now() - t0) / 1000;
      const cpuMs = serverCpuMs(pid) - cpu0;
      const sys1 = serverSyscalls(pid);
      const my1 = await mysqlStatus(db);
      const d = (k: string) => (my1[k] ?? 0) - (my0[k] ?? 0);
      const per = (x: number) => (units > 0 ? +(x / units).toFixed(2) : null);
      const perS = (x: number) => +(x / seconds).toFixed(1);
      return {
        units,
        seconds: +seconds.toFixed(2),
        serverCpuMs: Math.round(cpuMs),
        serverCpuMsPerPurchase: per(cpuMs),
        serverCpuCores: +(cpuMs / 1000 / seconds).toFixed(2),
        serverWriteSyscallsPerPurchase: per(sys1.writes - sys0.writes),
        serverReadSyscallsPerPurchase: per(sys1.reads - sys0.reads),
        mysql: {
          scope: "SHOW GLOBAL STATUS deltas (the whole MySQL server, including any other work on it)",
          commits: d("Com_commit"),
          rollbacks: d("Com_rollback"),
          commitsPerPurchase: per(d("Com_commit")),
          commitsPerSecond: perS(d("Com_commit")),
          dataFsyncsPerSecond: perS(d("Innodb_data_fsyncs")),
          // MariaDB >= 10.8 has no Innodb_os_log_fsyncs (its redo log fsyncs are in Innodb_data_fsyncs);
          // Innodb_log_writes counts the redo log writes, one per group commit.
          logFsyncsPerSecond: perS(d("Innodb_os_log_fsyncs")),
          logWritesPerSecond: perS(d("Innodb_log_writes")),
          logWritesPerPurchase: per(d("Innodb_log_writes")),
          questionsPerPurchase: per(d("Questions")),
          preparedExecutesPerPurchase: per(d("Com_stmt_execute")),
        },
      };
    },
  };
}

/** `phases.workersN.holdThenPay` of the bench results: throughput, each RPC's latency and what a purchase costs. */
export function holdThenPaySummary(purchase: any, cost: Record<string, any>) {
  return {
    purchasesPerSecond: purchase.purchasesPerSecond,
    completed: purchase.completed,
    errors: purchase.errors,
    purchaseLatencyMs: purchase.latencyMs,
    holdSeatsLatencyMs: purchase.holdLatencyMs,
    payLatencyMs: purchase.payLatencyMs,
    serverCpuMsPerPurchase: cost.serverCpuMsPerPurchase,
    serverCpuCores: cost.serverCpuCores,
    serverWriteSyscallsPerPurchase: cost.serverWriteSyscallsPerPurchase,
    serverReadSyscallsPerPurchase: cost.serverReadSyscallsPerPurchase,
    mysqlCommitsPerPurchase: cost.mysql.commitsPerPurchase,
    mysql: cost.mysql,
  };
}
