import { create, ScalarType, type DescField, type DescMessage, type MessageShape } from "@bufbuild/protobuf";

/** A small seeded PRNG (mulberry32), so a failing fuzz run can be replayed with the same seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}
export type Rng = ReturnType<typeof prng>;

const I64 = [0n, 1n, -1n, 2n, 42n, 2n ** 31n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const U64 = [0n, 1n, 2n, 42n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n];
const I32 = [0, 1, -1, 4, 5, 100, 101, 1000, 2 ** 31 - 1, -(2 ** 31)];
const U32 = [0, 1, 4, 100, 101, 10_000, 2 ** 32 - 1];
const FLOATS = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 1e308];
const STRINGS = [
  "", "a", " ", "Key-1", "key-1 ", "2030-05-01", "2030-02-30", "1999-12-31", "0000-00-00", "9999-99-99",
  "키%;/?#&=", "\u0000", "\uFFFD\uD800", "<script>", "' OR 1=1 --", "x".repeat(129), "x".repeat(4_000), "R", "VIP",
];

function scalar(r: Rng, t: ScalarType): unknown {
  switch (t) {
    case ScalarType.INT64: case ScalarType.SINT64: case ScalarType.SFIXED64:
      return r.next() < 0.7 ? r.pick(I64) : BigInt(r.int(1_000)) - 10n;
    case ScalarType.UINT64: case ScalarType.FIXED64:
      return r.next() < 0.7 ? r.pick(U64) : BigInt(r.int(1_000));
    case ScalarType.INT32: case ScalarType.SINT32: case ScalarType.SFIXED32:
      return r.next() < 0.7 ? r.pick(I32) : r.int(2_000) - 100;
    case ScalarType.UINT32: case ScalarType.FIXED32:
      return r.next() < 0.7 ? r.pick(U32) : r.int(2_000);
    case ScalarType.DOUBLE: case ScalarType.FLOAT:
      return r.pick(FLOATS);
    case ScalarType.BOOL:
      return r.next() < 0.5;
    case ScalarType.BYTES:
      return r.bytes(r.int(40));
    default:
      return r.next() < 0.8 ? r.pick(STRINGS) : String.fromCharCode(...Array.from({ length: r.int(30) }, () => 32 + r.int(0x2fff)));
  }
}

function value(r: Rng, f: DescField | { fieldKind: string; scalar?: ScalarType; enum?: unknown; message?: DescMessage }, depth: number): unknown {
  if (f.fieldKind === "scalar") return scalar(r, f.scalar!);
  if (f.fieldKind === "enum") return r.pick([0, 1, 2, 3, 4, 99, -1]);
  if (f.fieldKind === "message") {
    const m = f.message!;
    if (m.typeName === "google.protobuf.Timestamp") {
      return create(m, { seconds: r.pick([0n, -1n, 1_900_000_000n, 253_402_300_800n, -62_135_596_801n, 2n ** 62n]), nanos: r.pick([0, 999_999_999, 1_000_000_000, -1]) } as never);
    }
    return depth < 2 ? randomMessage(r, m, depth + 1) : create(m);
  }
  return undefined;
}

/** A request with random and boundary values in a random subset of its fields. */
export function randomMessage<D extends DescMessage>(r: Rng, desc: D, depth = 0): MessageShape<D> {
  const init: Record<string, unknown> = {};
  for (const f of desc.fields) {
    if (f.oneof || r.next() < 0.25) continue;
    if (f.fieldKind === "list") {
      const n = r.pick([0, 1, 2, 4, 5, 9]);
      const item = { fieldKind: f.listKind, scalar: f.scalar, message: f.message } as Parameters<typeof value>[1];
      init[f.localName] = Array.from({ length: n }, () => value(r, item, depth));
    } else if (f.fieldKind !== "map") {
      init[f.localName] = value(r, f, depth);
    }
  }
  return create(desc, init as never);
}
