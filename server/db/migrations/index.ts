import type { Sequelize } from "sequelize";
import * as m0001 from "./0001-initial-schema.js";
import * as m0003 from "./0003-sales-projection.js";
import * as m0004 from "./0004-idempotency-key-bytes.js";
import * as m0005 from "./0005-queue-policies.js";
import * as m0006 from "./0006-fair-sale.js";
import * as m0007 from "./0007-waiting-list.js";
import * as m0008 from "./0008-outbox-dead-letters.js";
import * as m0009 from "./0009-outbox-trace-context.js";

export interface Migration {
  name: string;
  up(db: Sequelize): Promise<void>;
  down(db: Sequelize): Promise<void>;
}

/**
 * Every migration, in order. A new one is a new file here; applied ones are never edited.
 * There is no 0002: it was folded into 0001 before any release, and 0003 keeps its number because
 * deployed databases recorded it under that name (renaming it would make them run it again).
 * Numbers only order the list; the next migration takes the next free number (0004, ...).
 */
export const migrations: Migration[] = [
  { name: "0001-initial-schema", ...m0001 },
  { name: "0003-sales-projection", ...m0003 },
  { name: "0004-idempotency-key-bytes", ...m0004 },
  { name: "0005-queue-policies", ...m0005 },
  { name: "0006-fair-sale", ...m0006 },
  { name: "0007-waiting-list", ...m0007 },
  { name: "0008-outbox-dead-letters", ...m0008 },
  { name: "0009-outbox-trace-context", ...m0009 },
];
