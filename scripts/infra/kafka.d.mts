// Types for scripts/infra/kafka.mjs (plain ESM JS), so TypeScript tests can
//   import { stopKafka, startKafka } from '../scripts/infra/kafka.mjs';

export declare const ROOT: string;
export declare const INFRA_DIR: string;
export declare const STARTED_FILE: string;
export declare const KAFKA_HOME: string;
export declare const KAFKA_LIBS: string;
export declare const KAFKA_DATA: string;
export declare const KAFKA_LOG_DIR: string;
export declare const KAFKA_LOG: string;
export declare const KAFKA_OUT: string;
export declare const KAFKA_PID_FILE: string;
export declare const KAFKA_HOST: string;
export declare const KAFKA_PORT: number;
export declare const KAFKA_CONTROLLER_PORT: number;
/** SPEC section 4 topics: reservation-events, payment-events, queue-events. */
export declare const TOPICS: readonly string[];
export declare const TOPIC_PARTITIONS: number;

export interface KafkaMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  topics: Record<string, { errorCode: number; partitions: { id: number; leader: number; errorCode: number }[] }>;
}

/** True when 127.0.0.1:port accepts TCP connections. */
export declare function kafkaAnswers(port?: number): Promise<boolean>;
/** True when the broker serves metadata and lists itself (started and unfenced). */
export declare function kafkaReady(port?: number): Promise<boolean>;
/** Metadata v0 probe (all topics); null when nothing valid answers. */
export declare function kafkaMetadata(opts?: { port?: number; host?: string; timeoutMs?: number }): Promise<KafkaMetadata | null>;
/**
 * Which broker instance: defaults are the shared one of `infra:up` (9092/9093, .infra/kafka/data).
 * Fault tests use their own ports and a data dir elsewhere under .infra/; the instance's pid file,
 * logs and server.properties live in the parent directory of dataDir.
 */
export interface KafkaInstance {
  port?: number;
  controllerPort?: number;
  dataDir?: string;
}
/** Pid of the broker started by scripts/infra (for that instance), or null. */
export declare function kafkaPid(opts?: KafkaInstance): number | null;
/** Starts the broker (same data dir, never re-formatted) or reuses a running one; resolves when it is ready. */
export declare function startKafka(opts?: KafkaInstance & { timeoutMs?: number }): Promise<{ pid: number | null; started: boolean; ms: number }>;
/** Stops the broker from its pid file (SIGTERM, SIGKILL after killAfterMs) and waits for its port to close. */
export declare function stopKafka(opts?: KafkaInstance & { signal?: NodeJS.Signals; killAfterMs?: number }): Promise<{ pid: number | null; stopped: boolean; ms: number }>;
/** SIGSTOP / SIGCONT the broker (hung broker rather than a dead one). */
export declare function pauseKafka(opts?: KafkaInstance): number;
export declare function resumeKafka(opts?: KafkaInstance): number;
/** Topic names the broker reports, or null when it does not answer. */
export declare function listTopics(): Promise<string[] | null>;
/** Creates missing SPEC topics with TopicCommand; resolves to the topics created. */
export declare function ensureTopics(opts?: { topics?: readonly string[]; partitions?: number; timeoutMs?: number; port?: number }): Promise<string[]>;
export declare function ensureKafkaJars(): boolean;

export declare function portAnswers(port: number, host?: string, timeoutMs?: number): Promise<boolean>;
export declare function waitFor<T>(fn: () => T | Promise<T>, opts?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;
export declare function isAlive(pid: number | null | undefined): boolean;
export declare function sleep(ms: number): Promise<void>;
