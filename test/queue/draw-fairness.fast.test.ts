import { randomBytes, randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { commitmentOf, drawKeyOf, drawOrder, newDrawNonce, verifyDraw } from "../../server/queue/draw.js";

const DRAWS = 10_000;
const ENTRANTS = 10;
/** chi-square critical value, 9 degrees of freedom, p = 0.001: a fair draw fails about once in 1,000 runs. */
const CRITICAL_9DF = 27.877;

const chiSquare = (counts: number[], expected: number) => counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);

/** User ids spread from small to large, so an id-dependent bias would show. */
const IDS = [1, 2, 7, 42, 999, 10_000, 123_456, 7_777_777, 2_147_483_647, 9_007_199_254_740];

interface Entrant { arrival: number; idRank: number; userId: number; drawKey: string }

/** One opening: a fresh seed, the ids in a random arrival order, each with a fresh nonce; who comes first. */
function simulate(order: (entrants: Entrant[], seed: string) => Entrant[]): { arrivalCounts: number[]; idCounts: number[] } {
  const arrivalCounts = new Array(ENTRANTS).fill(0);
  const idCounts = new Array(ENTRANTS).fill(0);
  for (let d = 0; d < DRAWS; d++) {
    const seed = randomBytes(32).toString("hex");
    const ids = [...IDS.keys()];
    for (let i = ids.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    const entrants = ids.map((idRank, arrival) => ({ arrival, idRank, userId: IDS[idRank], drawKey: drawKeyOf(seed, IDS[idRank], newDrawNonce()) }));
    const first = order(entrants, seed)[0];
    arrivalCounts[first.arrival]++;
    idCounts[first.idRank]++;
  }
  return { arrivalCounts, idCounts };
}

describe("the draw is fair (SPEC 7.3)", () => {
  it(`10,000 simulated draws of 10 entrants: first place shows no bias by arrival order or user id (chi-square, 9 df, p = 0.001)`, () => {
    const { arrivalCounts, idCounts } = simulate((e) => drawOrder(e));
    expect(chiSquare(arrivalCounts, DRAWS / ENTRANTS)).toBeLessThan(CRITICAL_9DF);
    expect(chiSquare(idCounts, DRAWS / ENTRANTS)).toBeLessThan(CRITICAL_9DF);
  }, 60_000);

  it("negative control: the same test flags an order that favours early arrivals or small user ids", () => {
    // First come, first served, except that a random tenth of the time the order is drawn.
    const early = simulate((e) => (Math.random() < 0.1 ? drawOrder(e) : e));
    expect(chiSquare(early.arrivalCounts, DRAWS / ENTRANTS)).toBeGreaterThan(CRITICAL_9DF);
    // Smallest user id first: the id bins light up.
    const byId = simulate((e) => [...e].sort((a, b) => a.userId - b.userId || (a.drawKey < b.drawKey ? -1 : 1)));
    expect(chiSquare(byId.idCounts, DRAWS / ENTRANTS)).toBeGreaterThan(CRITICAL_9DF);
  }, 60_000);

  it("keys are HMAC-SHA256(seed, \"<userId>:<nonce>\") in lowercase hex; verifyDraw finds each fan's place and catches a changed seed", () => {
    const seed = "00".repeat(31) + "01";
    // Independent of our code: a fixed vector computed once with `openssl dgst -sha256 -mac HMAC -macopt hexkey:<seed>`.
    const key = drawKeyOf(seed, 7, "0123456789abcdef0123456789abcdef");
    expect(key).toBe("e2659310c32abd3ff571c0da9b8c61229b07060cf5f22bd01491e478e1678ac4");
    const fans = [7, 8, 9].map((u) => ({ u, nonce: newDrawNonce() }));
    const keys = drawOrder(fans.map((f) => ({ ...f, drawKey: drawKeyOf(seed, f.u, f.nonce) })));
    const published = { fairnessCommitment: commitmentOf(seed), seed, drawKeys: keys.map((k) => k.drawKey) };
    keys.forEach((k, i) => expect(verifyDraw(published, { userId: String(k.u), nonce: k.nonce }).fan!.position).toBe(i + 1));
    const changed = { ...published, seed: "00".repeat(31) + "02" };
    const check = verifyDraw(changed, { userId: "7", nonce: fans[0].nonce });
    expect(check.commitmentOk).toBe(false);
    expect(check.fan!.position).toBe(0);
    expect(verifyDraw({ ...published, drawKeys: [...published.drawKeys].reverse() }).orderOk).toBe(false);
  });
});
