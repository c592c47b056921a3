import { createHash, createHmac, randomBytes } from "node:crypto";

/**
 * The opening draw (SPEC 7.3), as pure functions shared by the server, the CLI's `draw verify` and
 * the tests. A pre-queue entrant's draw key is HMAC-SHA256(key = seed bytes, message = "<userId>:<nonce>");
 * the line at the opening is the entrants in ascending draw key order (lowercase hex compares like the bytes).
 */

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

/** A fresh draw_nonce: 16 random bytes as 32 lowercase hex characters. */
export const newDrawNonce = (): string => randomBytes(16).toString("hex");

export const isSeedHex = (s: string) => HEX64.test(s);
export const isDrawNonce = (s: string) => HEX32.test(s);

/** Lowercase hex HMAC-SHA256(key = seed, message = decimal user id + ":" + nonce). */
export function drawKeyOf(seedHex: string, userId: number | bigint | string, nonce: string): string {
  return createHmac("sha256", Buffer.from(seedHex, "hex")).update(`${userId}:${nonce}`).digest("hex");
}

/** Lowercase hex SHA-256 over the seed's 32 bytes: the published fairness_commitment. */
export const commitmentOf = (seedHex: string): string => createHash("sha256").update(Buffer.from(seedHex, "hex")).digest("hex");

/** Entrants in drawn order: ascending draw key. */
export function drawOrder<T extends { drawKey: string }>(entrants: T[]): T[] {
  return [...entrants].sort((a, b) => (a.drawKey < b.drawKey ? -1 : a.drawKey > b.drawKey ? 1 : 0));
}

export interface PublishedDraw {
  fairnessCommitment: string;
  seed: string;
  drawKeys: string[];
}

export interface DrawCheck {
  /** sha256(seed) equals the published commitment (and, when given, the one the fan saw before the opening). */
  commitmentOk: boolean;
  /** The keys are in ascending order (the order the line was given). */
  orderOk: boolean;
  /** With a fan's user id and nonce: their key and 1-based place in the draw, or 0 when not found. */
  fan?: { drawKey: string; position: number };
  problems: string[];
}

/** Checks a published draw from public data alone (`concert-admin draw verify`). */
export function verifyDraw(d: PublishedDraw, opts: { expectedCommitment?: string; userId?: string; nonce?: string } = {}): DrawCheck {
  const problems: string[] = [];
  let commitmentOk = isSeedHex(d.seed) && commitmentOf(d.seed) === d.fairnessCommitment;
  if (!isSeedHex(d.seed)) problems.push("the seed is not revealed yet (the draw has not run) or is not 64 lowercase hex characters");
  else if (!commitmentOk) problems.push(`sha256(seed) = ${commitmentOf(d.seed)} does not match the published commitment ${d.fairnessCommitment}`);
  if (opts.expectedCommitment !== undefined && opts.expectedCommitment !== d.fairnessCommitment) {
    commitmentOk = false;
    problems.push(`the published commitment ${d.fairnessCommitment} is not the one you recorded (${opts.expectedCommitment})`);
  }
  let orderOk = true;
  for (let i = 1; i < d.drawKeys.length; i++) {
    if (!(d.drawKeys[i - 1] < d.drawKeys[i])) {
      orderOk = false;
      problems.push(`draw keys ${i} and ${i + 1} are not in ascending order`);
      break;
    }
  }
  const out: DrawCheck = { commitmentOk, orderOk, problems };
  if (opts.userId !== undefined && opts.nonce !== undefined && isSeedHex(d.seed)) {
    const drawKey = drawKeyOf(d.seed, opts.userId, opts.nonce);
    const position = d.drawKeys.indexOf(drawKey) + 1;
    if (position === 0) problems.push(`your draw key ${drawKey} is not in the draw (wrong user id or nonce, or a changed seed)`);
    out.fan = { drawKey, position };
  }
  return out;
}
