import path from "node:path";
import { INFRA_DIR, startKafka, stopKafka } from "../../../scripts/infra/kafka.mjs";

/**
 * A broker of the fault tests' own (ports 19092/19093, data in .infra/kafka-fault/): stopping it never
 * disturbs the shared broker on 9092 that other test files use at the same time.
 */
export const FAULT_BROKER = { port: 19092, controllerPort: 19093, dataDir: path.join(INFRA_DIR, "kafka-fault", "data") };
export const FAULT_BROKERS = [`127.0.0.1:${FAULT_BROKER.port}`];

export const startFaultBroker = () => startKafka({ ...FAULT_BROKER, timeoutMs: 120_000 });
export const stopFaultBroker = (signal: NodeJS.Signals = "SIGTERM") => stopKafka({ ...FAULT_BROKER, signal });
