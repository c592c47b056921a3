import * as net from "node:net";

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
    s.setTimeout(1_000, () => {
      s.destroy();
      resolve(false);
    });
  });

/** The tests run against the real services; say plainly which one is missing instead of failing 100 tests. */
export default async function setup() {
  const missing: string[] = [];
  for (const [name, port] of [["MySQL/MariaDB", 3306], ["Redis", 6379], ["Kafka", 9092]] as const) {
    if (!(await answers(port))) missing.push(`${name} on 127.0.0.1:${port}`);
  }
  if (missing.length) throw new Error(`not answering: ${missing.join(", ")}. Run \`npm run infra:up\` first.`);
}
