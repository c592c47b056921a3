import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  AdmissionMode,
  AdminService,
  type AddScheduleRequestSchema,
  type CreateConcertRequestSchema,
  type ListDeadEventsRequestSchema,
  type ReplayDeadEventsRequestSchema,
  type SkipDeadEventsRequestSchema,
  type UpdateConcertRequestSchema,
} from "../../gen/concert/v1/admin_pb.js";
import { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import { fromRpcError } from "./cli-error.js";
import type { ServerConnection } from "./connection-options.js";

/** Long enough for a loaded server, short enough that a hung one does not hang a script. */
const RPC_TIMEOUT_MS = 15_000;

/**
 * The server as the CLI sees it: one method per RPC the commands use, over the Connect protocol,
 * every failure already turned into a one-line CliError.
 */
export class AdminApi {
  private readonly admin: Client<typeof AdminService>;
  private readonly concerts: Client<typeof ConcertService>;

  constructor(readonly conn: ServerConnection) {
    const auth: Interceptor = (next) => (req) => {
      if (conn.token) req.header.set("authorization", `Bearer ${conn.token}`);
      return next(req);
    };
    const transport = createConnectTransport({
      baseUrl: conn.server,
      httpVersion: "1.1",
      interceptors: [auth],
      defaultTimeoutMs: RPC_TIMEOUT_MS,
    });
    this.admin = createClient(AdminService, transport);
    this.concerts = createClient(ConcertService, transport);
  }

  private async call<T>(rpc: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw fromRpcError(e, rpc, this.conn.server);
    }
  }

  listConcerts(pageSize: number, pageToken = "") {
    return this.call("ListConcerts", () => this.concerts.listConcerts({ pageSize, pageToken }));
  }

  getDraw(concertId: bigint) {
    return this.call("GetDraw", () => this.concerts.getDraw({ concertId }));
  }

  getConcert(concertId: bigint) {
    return this.call("GetConcert", () => this.concerts.getConcert({ concertId }));
  }

  createConcert(req: MessageInitShape<typeof CreateConcertRequestSchema>) {
    return this.call("CreateConcert", () => this.admin.createConcert(req));
  }

  updateConcert(req: MessageInitShape<typeof UpdateConcertRequestSchema>) {
    return this.call("UpdateConcert", () => this.admin.updateConcert(req));
  }

  addSchedule(req: MessageInitShape<typeof AddScheduleRequestSchema>) {
    return this.call("AddSchedule", () => this.admin.addSchedule(req));
  }

  getQueueStats(concertId: bigint) {
    return this.call("GetQueueStats", () => this.admin.getQueueStats({ concertId }));
  }

  listQueue(concertId: bigint, offset: number, limit: number) {
    return this.call("ListQueue", () => this.admin.listQueue({ concertId, offset, limit }));
  }

  setQueuePolicy(concertId: bigint, maxActive: number, mode = AdmissionMode.MANUAL) {
    return this.call("SetQueuePolicy", () => this.admin.setQueuePolicy({ concertId, maxActive, mode }));
  }

  removeFromQueue(concertId: bigint, userId: bigint) {
    return this.call("RemoveFromQueue", () => this.admin.removeFromQueue({ concertId, userId }));
  }

  getSalesStats(concertId: bigint) {
    return this.call("GetSalesStats", () => this.admin.getSalesStats({ concertId }));
  }

  reconcileSeats(scheduleId: bigint, repair: boolean) {
    return this.call("ReconcileSeats", () => this.admin.reconcileSeats({ scheduleId, repair }));
  }

  getWaitingList(scheduleId: bigint) {
    return this.call("GetWaitingList", () => this.admin.getWaitingList({ scheduleId }));
  }

  listDeadEvents(req: MessageInitShape<typeof ListDeadEventsRequestSchema>) {
    return this.call("ListDeadEvents", () => this.admin.listDeadEvents(req));
  }

  replayDeadEvents(req: MessageInitShape<typeof ReplayDeadEventsRequestSchema>) {
    return this.call("ReplayDeadEvents", () => this.admin.replayDeadEvents(req));
  }

  skipDeadEvents(req: MessageInitShape<typeof SkipDeadEventsRequestSchema>) {
    return this.call("SkipDeadEvents", () => this.admin.skipDeadEvents(req));
  }
}
