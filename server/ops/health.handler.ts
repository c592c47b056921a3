import type { ServiceImpl } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";

/**
 * grpc.health.v1: the empty service name and every exposed service are SERVING while the
 * dependencies answer (the same test as /readyz), NOT_SERVING otherwise.
 */
export function createHealthHandler(serviceNames: string[], isReady: () => Promise<boolean>, watchIntervalMs = 1_000): ServiceImpl<typeof Health> {
  const known = new Set(["", ...serviceNames]);
  const statusOf = async (service: string) => {
    if (!known.has(service)) return Status.SERVICE_UNKNOWN;
    return (await isReady()) ? Status.SERVING : Status.NOT_SERVING;
  };
  return {
    async check(req) {
      if (!known.has(req.service)) throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      return { status: await statusOf(req.service) };
    },
    async *watch(req, ctx) {
      let last: Status | undefined;
      while (!ctx.signal.aborted) {
        const status = await statusOf(req.service);
        if (status !== last) {
          last = status;
          yield { status };
        }
        await new Promise((r) => setTimeout(r, watchIntervalMs));
      }
    },
  };
}
