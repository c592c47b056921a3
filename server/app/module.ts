import type { Interceptor, ServiceImpl } from "@connectrpc/connect";
import type { Kafka } from "kafkajs";
import type { Redis } from "ioredis";
import type { Sequelize } from "sequelize";
import type { AdminService } from "../../gen/concert/v1/admin_pb.js";
import type { ConcertService } from "../../gen/concert/v1/concert_pb.js";
import type { PaymentService } from "../../gen/concert/v1/payment_pb.js";
import type { QueueService } from "../../gen/concert/v1/queue_pb.js";
import type { ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import type { Config } from "../config/config.js";
import type { Logger } from "../shared/logger.js";
import type { Metrics } from "../ops/metrics.js";

/** The shared adapters every module is built from. */
export interface Infra {
  config: Config;
  logger: Logger;
  db: Sequelize;
  redis: Redis;
  kafka: Kafka;
  metrics: Metrics;
}

/** A background loop (admission, hold sweeper, outbox relay) with an explicit life cycle. */
export interface Worker {
  name: string;
  start(): Promise<void> | void;
  stop(): Promise<void>;
}

/**
 * What a module contributes: the RPCs it implements (merged over "not implemented yet" defaults),
 * interceptors that run after authentication and validation, and its workers.
 */
export interface ModuleParts {
  concert?: Partial<ServiceImpl<typeof ConcertService>>;
  admin?: Partial<ServiceImpl<typeof AdminService>>;
  queue?: Partial<ServiceImpl<typeof QueueService>>;
  reservation?: Partial<ServiceImpl<typeof ReservationService>>;
  payment?: Partial<ServiceImpl<typeof PaymentService>>;
  interceptors?: Interceptor[];
  workers?: Worker[];
  /** Called first on shutdown: end long-lived streams so in-flight requests can drain. */
  drain?(): void;
  /** Called on shutdown after workers stop, before pools close. */
  close?(): Promise<void>;
}
