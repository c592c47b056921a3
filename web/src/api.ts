import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { ReservationService } from "../../gen/concert/v1/reservation_pb.js";

/** What the page sends with every call: the fan's JWT and, once in line, the queue token. */
export interface Credentials {
  jwt: string;
  queueToken?: string;
}

/**
 * Typed clients over the Connect protocol with JSON bodies (what the OpenAPI document describes), so
 * the browser's network tab shows readable requests. Headers are read per call, so the queue token
 * issued mid-journey is picked up without rebuilding the clients.
 */
export function createApi(baseUrl: string, creds: Credentials) {
  const headers: Interceptor = (next) => (req) => {
    if (creds.jwt) req.header.set("authorization", `Bearer ${creds.jwt}`);
    if (creds.queueToken) req.header.set("x-queue-token", creds.queueToken);
    return next(req);
  };
  const transport = createConnectTransport({ baseUrl, useBinaryFormat: false, interceptors: [headers] });
  return {
    concerts: createClient(ConcertService, transport),
    queue: createClient(QueueService, transport),
    reservations: createClient(ReservationService, transport),
    payments: createClient(PaymentService, transport),
  };
}

export type Api = ReturnType<typeof createApi>;
