import type { Config } from "../../server/config/config.js";
import { build, type App, type BuildOptions } from "../../server/server.js";
import { createTestDatabase } from "./database.js";
import { testConfig } from "./env.js";

export interface TestServer {
  app: App;
  url: string;
  port: number;
  config: Config;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * A real server on a free port, against the real MySQL (a fresh database), Redis (its own key
 * prefix) and Kafka (its own topic prefix). Pass `databaseUrl` to share a database between servers.
 */
export async function startTestServer(overrides: Partial<Config> = {}, env: Record<string, string> = {}, opts: BuildOptions = {}): Promise<TestServer> {
  const owned = overrides.databaseUrl ? undefined : await createTestDatabase();
  const config = testConfig({ ...overrides, databaseUrl: overrides.databaseUrl ?? owned!.url }, env);
  const app = await build(config, opts);
  const { port, url } = await app.listen(0, "127.0.0.1");
  return {
    app,
    url,
    port,
    config,
    databaseUrl: config.databaseUrl,
    async close() {
      await app.close();
      await owned?.drop();
    },
  };
}
