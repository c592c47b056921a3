import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Health } from "../../gen/grpc/health/v1/health_pb.js";
import { ServerReflection as ReflectionV1 } from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { Infra } from "../app/module.js";
import { checkReadiness, type DependencyCheck, type DependencyGroup } from "./readiness.js";
import { pingRedisNodes } from "../redis/redis-client.js";
import { readRoutingOf } from "../db/read-routing.js";
import { createHealthHandler } from "./health.handler.js";
import { metricsSource } from "./cluster-metrics.js";
import { createReflectionHandlers } from "./reflection.handler.js";

function dependencyChecks(infra: Infra): Array<DependencyCheck | DependencyGroup> {
  return [
    { name: "mysql", check: async () => void (await infra.db.query("SELECT 1")) },
    // SPEC 7.4: each replica and each Redis Cluster node is named (a single Redis is "redis").
    ...(readRoutingOf(infra.db)?.checks() ?? []),
    { name: "redis", checkEach: () => pingRedisNodes(infra.redis) },
    {
      name: "kafka",
      check: async () => {
        const admin = infra.kafka.admin({ retry: { retries: 0 } });
        try {
          await admin.connect();
          await admin.describeCluster();
        } finally {
          await admin.disconnect().catch(() => {});
        }
      },
    },
  ];
}

export interface OpsModule {
  /** grpc.health.v1 and server reflection (v1, v1alpha) over the exposed services. */
  routes(router: ConnectRouter): void;
  /** /healthz, /readyz and /metrics; false when the request is not one of them. */
  handleHttp(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): boolean;
}

export interface OpsModuleOptions {
  /**
   * Answer /metrics from the worker that took the scrape, as before cluster aggregation. Only the
   * negative control builds it (test/support/per-worker-metrics-main.ts); production passes none.
   */
  perWorkerMetrics?: boolean;
}

/** Operations: liveness, readiness (HTTP and gRPC health), Prometheus metrics and reflection. */
export function createOpsModule(infra: Infra, exposed: DescService[], opts: OpsModuleOptions = {}): OpsModule {
  const { metrics } = infra;
  const checks = dependencyChecks(infra);
  // Health probes arrive often; one dependency check a second is enough for them (/readyz always checks afresh).
  // While a check runs, probes get the last answer instead of queueing behind it: the Kafka check opens a
  // connection, and under load every probe waited on it (README, Performance). Only the first probe waits.
  let lastReady: boolean | undefined;
  let checkedAt = 0;
  let checking: Promise<boolean> | undefined;
  const isReady = (): Promise<boolean> => {
    if (!checking && Date.now() - checkedAt > 1_000) {
      checking = checkReadiness(checks)
        .then((r) => (lastReady = r.ready))
        .finally(() => {
          checkedAt = Date.now();
          checking = undefined;
        });
    }
    return lastReady === undefined ? checking! : Promise.resolve(lastReady);
  };
  const reflection = createReflectionHandlers([...exposed, Health]);

  metrics.gauge(
    "db_pool_connections_in_use",
    "MySQL connections checked out of the pool",
    () => {
      const pool = (infra.db.connectionManager as unknown as { pool?: { using?: number } }).pool;
      return pool?.using ?? 0;
    },
    "sum", // each worker has its own pool
  );
  // With node:cluster workers, the whole server's figures (ops/cluster-metrics.ts).
  const metricsAnswer = metricsSource(metrics.registry, { perWorker: opts.perWorkerMetrics });

  return {
    routes(router) {
      router.service(Health, createHealthHandler(exposed.map((s) => s.typeName), isReady));
      router.service(ReflectionV1, reflection.v1);
      router.service(ReflectionV1alpha, reflection.v1alpha);
    },
    handleHttp(req, res) {
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === "/healthz") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ status: "ok" }));
        return true;
      }
      if (req.method === "GET" && path === "/readyz") {
        void checkReadiness(checks).then((r) => {
          res.statusCode = r.ready ? 200 : 503;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(r));
        });
        return true;
      }
      if (req.method === "GET" && path === "/metrics") {
        void metricsAnswer().then(({ status, contentType, text }) => {
          res.statusCode = status;
          res.setHeader("content-type", contentType);
          res.end(text);
        });
        return true;
      }
      return false;
    },
  };
}
