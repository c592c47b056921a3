import { DomainError } from "./domain-error.js";

/** Keyset paging: the token is the last id of the previous page, opaque to clients. */
export function encodePageToken(lastId: number): string {
  return Buffer.from(`v1:${lastId}`).toString("base64url");
}

export function decodePageToken(token: string): number | undefined {
  if (token === "") return undefined;
  const m = /^v1:([1-9][0-9]{0,15})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!m) {
    throw new DomainError("VALIDATION_FAILED", "invalid request: page_token: use the next_page_token of a previous response");
  }
  return Number(m[1]);
}

export function pageSizeOf(requested: number, fallback = 20): number {
  return requested > 0 ? Math.min(requested, 100) : fallback;
}
