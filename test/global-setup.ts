import * as net from "node:net";

const answers = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.setTimeout(1_000, () => {
      s.destroy();
      resolve(false);
    });
  });

const hostPorts = (list: string | undefined) =>
  (list ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const u = s.includes("://") ? new URL(s) : new URL(`tcp://${s}`);
      return [u.hostname, Number(u.port)] as const;
    });

/** The tests run against the real services; say plainly which one is missing instead of failing 100 tests. */
export default async function setup() {
  const scaled = !!process.env.REDIS_CLUSTER_NODES;
  // `npm run test:scaled` (.infra/scaled.env): the cluster nodes, the three brokers, primary and replicas
  const targets: Array<readonly [string, string, number]> = scaled
    ? [
        ...hostPorts(process.env.TEST_MYSQL_URL ?? process.env.DATABASE_URL).map(([h, p]) => ["MySQL/MariaDB primary", h, p] as const),
        ...hostPorts(process.env.DATABASE_READ_URLS).map(([h, p]) => ["MySQL/MariaDB replica", h, p] as const),
        ...hostPorts(process.env.REDIS_CLUSTER_NODES).map(([h, p]) => ["Redis Cluster node", h, p] as const),
        ...hostPorts(process.env.KAFKA_BROKERS).map(([h, p]) => ["Kafka broker", h, p] as const),
      ]
    : [
        ["MySQL/MariaDB", "127.0.0.1", 3306],
        ["Redis", "127.0.0.1", 6379],
        ["Kafka", "127.0.0.1", 9092],
      ];
  const missing: string[] = [];
  for (const [name, host, port] of targets) {
    if (!(await answers(host, port))) missing.push(`${name} on ${host}:${port}`);
  }
  if (missing.length) {
    const how = scaled ? "npm run infra:up -- --topology scaled" : "npm run infra:up";
    throw new Error(`not answering: ${missing.join(", ")}. Run \`${how}\` first.`);
  }
}
