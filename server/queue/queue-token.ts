import { createHmac, timingSafeEqual } from "node:crypto";

/** What a queue token proves: this user holds this entry in this concert's line. */
export interface QueueTokenClaims {
  concertId: number;
  userId: number;
  /** The entry's arrival number; a token of an ended entry stays verifiable but is EXPIRED. */
  entryId: number;
}

const VERSION = "q1";
const isId = (s: string | undefined) => s !== undefined && /^[1-9][0-9]{0,15}$/.test(s);
/** Entry 0: a pre-queue entry (the entry the draw gives it is found through the user, see enter.lua). */
const isEntry = (s: string | undefined) => s === "0" || isId(s);

/**
 * Queue tokens: `q1.<concertId>.<userId>.<entryId>.<HMAC-SHA256>` (base64url). Verified with the
 * secret alone, so the token check on every booking RPC needs no database round trip; whether the
 * entry is still waiting or active is Redis' answer.
 */
export class QueueTokenSigner {
  private readonly key: Buffer;
  constructor(secret: string) {
    this.key = Buffer.from(secret, "utf8");
  }

  private mac(body: string): Buffer {
    return createHmac("sha256", this.key).update(body).digest();
  }

  sign(c: QueueTokenClaims): string {
    const body = `${VERSION}.${c.concertId}.${c.userId}.${c.entryId}`;
    return `${body}.${this.mac(body).toString("base64url")}`;
  }

  /** The claims, or undefined when the token is malformed or its signature does not match. */
  verify(token: string): QueueTokenClaims | undefined {
    if (token.length > 200) return undefined;
    const parts = token.split(".");
    if (parts.length !== 5 || parts[0] !== VERSION || !isId(parts[1]) || !isId(parts[2]) || !isEntry(parts[3])) return undefined;
    const given = Buffer.from(parts[4], "base64url");
    // Node's decoder skips stray characters; only the canonical spelling of the MAC is accepted.
    if (given.toString("base64url") !== parts[4]) return undefined;
    const expected = this.mac(parts.slice(0, 4).join("."));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { concertId: Number(parts[1]), userId: Number(parts[2]), entryId: Number(parts[3]) };
  }
}
