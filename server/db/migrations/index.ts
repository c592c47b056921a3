import type { Sequelize } from "sequelize";
import * as m0001 from "./0001-initial-schema.js";

export interface Migration {
  name: string;
  up(db: Sequelize): Promise<void>;
  down(db: Sequelize): Promise<void>;
}

/** Every migration, in order. A new one is a new file here; applied ones are never edited. */
export const migrations: Migration[] = [{ name: "0001-initial-schema", ...m0001 }];
