import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { AggregatorRegistry, type Registry, type RegistryContentType } from "prom-client";

/**
 * /metrics for the whole server when node:cluster runs several worker processes (SPEC 7.4).
 * The worker that takes the scrape asks the primary, the primary collects every worker's registry
 * (prom-client's AggregatorRegistry: counters and histograms summed, gauges as each declares) and
 * the worker answers with the total. Without this, each scrape answered from whichever worker the
 * connection landed on, so counters jumped 6, 4, 6, 4.
 */

const REQUEST = "concert:cluster-metrics-request";
const RESPONSE = "concert:cluster-metrics-response";
/** prom-client's own collection gives up after 5 s; the worker waits a little longer for that answer. */
const WAIT_MS = 6_000;

type Request = { type: typeof REQUEST; id: string };
type Response = { type: typeof RESPONSE; id: string; ok: boolean; text: string; contentType: string };

export interface MetricsAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** In the primary: answers the workers' requests with the aggregate of all workers. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, msg: Request) => {
    if (msg?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESPONSE, id: msg.id, ok: true, text, contentType: aggregator.contentType } satisfies Response),
      (e: unknown) => worker.send({ type: RESPONSE, id: msg.id, ok: false, text: `metrics aggregation failed: ${e instanceof Error ? e.message : String(e)}\n`, contentType: "text/plain" } satisfies Response),
    );
  });
}

let workerListener: AggregatorRegistry<RegistryContentType> | undefined;
const pending = new Map<string, (r: Response) => void>();
let listening = false;

function askPrimary(): Promise<Response> {
  if (!listening) {
    listening = true;
    process.on("message", (msg: Response) => {
      if (msg?.type === RESPONSE) pending.get(msg.id)?.(msg);
    });
  }
  const id = randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve({ type: RESPONSE, id, ok: false, text: "metrics aggregation timed out: a worker process did not answer\n", contentType: "text/plain" });
    }, WAIT_MS);
    pending.set(id, (r) => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(r);
    });
    process.send!({ type: REQUEST, id } satisfies Request);
  });
}

/**
 * The /metrics answer for this process: the whole cluster's from a worker, its own registry when it
 * is the only process. A failed aggregation is a 503 (the scrape fails visibly) rather than one
 * worker's figures passed off as the server's.
 */
export function metricsSource(registry: Registry, opts: { perWorker?: boolean } = {}): () => Promise<MetricsAnswer> {
  const local = async (): Promise<MetricsAnswer> => ({ status: 200, contentType: registry.contentType, text: await registry.metrics() });
  if (!cluster.isWorker || opts.perWorker) return local;
  // What this worker contributes when the primary collects: prom-client answers the primary's requests
  // from these registries, once an AggregatorRegistry exists in the worker (its constructor adds the listener).
  AggregatorRegistry.setRegistries([registry]);
  workerListener ??= new AggregatorRegistry();
  return async () => {
    const r = await askPrimary();
    return { status: r.ok ? 200 : 503, contentType: r.contentType, text: r.text };
  };
}
