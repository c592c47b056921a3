import { createHash, randomBytes } from "node:crypto";
import type { DrawSecret } from "./sales-openings.js";

/** A fresh secret seed and its commitment, hex SHA-256 over the seed's 32 bytes. */
export function newDrawSecret(): DrawSecret {
  const seed = randomBytes(32);
  return { seed: seed.toString("hex"), commitment: createHash("sha256").update(seed).digest("hex") };
}
