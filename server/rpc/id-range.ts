import { ScalarType, type DescMessage } from "@bufbuild/protobuf";

const MAX_ID = BigInt(Number.MAX_SAFE_INTEGER);
const INT64 = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/**
 * Ids travel as int64 but live as JS numbers inside, and no id above 2^53-1 is ever issued. Such an id
 * used to become 0 ("concert 0 does not exist"); now the request is refused naming the field (SPEC 7.2).
 * Returns one problem per offending top-level `*_id` field.
 */
export function idsOutOfRange(desc: DescMessage, message: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const f of desc.fields) {
    if (f.fieldKind !== "scalar" || !INT64.has(f.scalar) || !/(^|_)id$/.test(f.name)) continue;
    const v = message[f.localName];
    if (typeof v === "bigint" && v > MAX_ID) {
      problems.push(`${f.name} ${v} is out of range: ids are at most ${MAX_ID}; send an id this service gave you`);
    }
  }
  return problems;
}
