import { describe, expect, it } from "vitest";
import { integerRangePattern } from "../../scripts/protoc-gen-openapi/integer-range-pattern.js";

describe("integerRangePattern (bounds of 64-bit integers sent as JSON strings)", () => {
  it("matches exactly the integers of the range, around both ends and for negative bounds", () => {
    const ranges: Array<[bigint, bigint]> = [[1n, 10_000_000n], [0n, 1000n], [0n, 0n], [17n, 2345n], [-50n, 120n], [-300n, -7n], [99n, 101n]];
    for (const [lo, hi] of ranges) {
      const re = new RegExp(integerRangePattern(lo, hi));
      const wrong: bigint[] = [];
      for (let n = lo - 1200n; n <= hi + 1200n; n += n > lo + 1200n && n < hi - 1200n ? 997n : 1n) {
        if (re.test(n.toString()) !== (n >= lo && n <= hi)) wrong.push(n);
      }
      expect(wrong, `[${lo}, ${hi}] ${re}`).toEqual([]);
      for (const s of ["", "+1", "01", "1.0", " 1", ...(hi > 0n ? [`${hi * 10n}`] : lo < 0n ? [`${lo * 10n}`] : [])]) expect(re.test(s), `${s} in [${lo}, ${hi}]`).toBe(false);
    }
  });
});
