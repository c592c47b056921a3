import {
  getOption, hasOption, toJson, type DescEnum, type DescExtension, type DescField, type DescMessage, type DescOneof,
  type JsonObject, type Registry,
} from "@bufbuild/protobuf";
import { integerRangePattern } from "./integer-range-pattern.js";
import type { Schema } from "./json-schema.js";

/** Where rules that JSON Schema cannot say (CEL, timestamp and byte rules...) are kept verbatim. */
export const fieldRulesExtension = "x-protovalidate";
export const messageRulesExtension = "x-protovalidate";

type Json = JsonObject;

/**
 * Reads protovalidate options (buf.validate.field / .message / .oneof) from the descriptors in the
 * request, using the validate.proto that came with it, as proto3 JSON: only explicitly set rules appear
 * (validate.proto has explicit presence), so `gte: 0` is told apart from no rule.
 */
export class RulesReader {
  private readonly field?: DescExtension;
  private readonly message?: DescExtension;
  private readonly oneof?: DescExtension;

  constructor(private readonly registry: Registry) {
    const ext = (name: string) => {
      const e = registry.getExtension(name);
      return e?.fieldKind === "message" ? e : undefined;
    };
    this.field = ext("buf.validate.field");
    this.message = ext("buf.validate.message");
    this.oneof = ext("buf.validate.oneof");
  }

  private read(desc: DescField | DescMessage | DescOneof, ext: DescExtension | undefined): Json | undefined {
    if (!ext || ext.fieldKind !== "message" || !hasOption(desc, ext)) return undefined;
    const json = toJson(ext.message, getOption(desc, ext) as never, { registry: this.registry }) as Json;
    return Object.keys(json).length > 0 ? json : undefined;
  }

  fieldRules(f: DescField): Json | undefined {
    return this.read(f, this.field);
  }

  messageRules(m: DescMessage): Json | undefined {
    return this.read(m, this.message);
  }

  oneofRequired(o: DescOneof): boolean {
    return this.read(o, this.oneof)?.required === true;
  }
}

const NUMBER_KINDS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "float", "double"];
const WIDE = new Set(["int64", "uint64", "sint64", "fixed64", "sfixed64"]);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function keep(schema: Schema, key: string, value: unknown) {
  const ext = (schema[fieldRulesExtension] ??= {}) as Record<string, unknown>;
  ext[key] = value;
}

/** Adds a pattern; a second one goes into allOf since a schema holds one `pattern`. */
function addPattern(schema: Schema, pattern: string) {
  if (schema.pattern === undefined) schema.pattern = pattern;
  else ((schema.allOf ??= []) as Schema[]).push({ pattern });
}

function stringRules(r: Json, s: Schema) {
  const formats: Record<string, string> = {
    email: "email", hostname: "hostname", ipv4: "ipv4", ipv6: "ipv6", uri: "uri", uriRef: "uri-reference", uuid: "uuid",
  };
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case "const": s.const = v; break;
      case "len": s.minLength = Number(v); s.maxLength = Number(v); break;
      case "minLen": s.minLength = Number(v); break;
      case "maxLen": s.maxLength = Number(v); break;
      case "pattern": addPattern(s, v as string); break;
      case "prefix": addPattern(s, `^${escapeRegExp(v as string)}`); break;
      case "suffix": addPattern(s, `${escapeRegExp(v as string)}$`); break;
      case "contains": addPattern(s, escapeRegExp(v as string)); break;
      case "notContains": ((s.allOf ??= []) as Schema[]).push({ not: { pattern: escapeRegExp(v as string) } }); break;
      case "in": s.enum = v; break;
      case "notIn": s.not = { enum: v }; break;
      default:
        if (formats[k] && v === true) s.format = formats[k];
        else keep(s, k, v);
    }
  }
}

/** Number rules; 64-bit values arrive as strings in rules JSON and are accepted both ways on the wire. */
function numberRules(kind: string, r: Json, s: Schema) {
  const wide = WIDE.has(kind);
  const num = (v: unknown) => Number(v);
  const values = (vs: unknown[]) => (wide ? vs.flatMap((v) => [String(v), num(v)]) : vs.map(num));
  const lower = r.gt !== undefined ? { exclusiveMinimum: num(r.gt) } : r.gte !== undefined ? { minimum: num(r.gte) } : undefined;
  const upper = r.lt !== undefined ? { exclusiveMaximum: num(r.lt) } : r.lte !== undefined ? { maximum: num(r.lte) } : undefined;
  const lo = r.gt ?? r.gte;
  const hi = r.lt ?? r.lte;
  // The string form of a 64-bit value cannot carry minimum/maximum; a pattern carries the bounds there.
  if (wide && (lo !== undefined || hi !== undefined)) {
    const min = r.gt !== undefined ? BigInt(String(r.gt)) + 1n : r.gte !== undefined ? BigInt(String(r.gte)) : undefined;
    const max = r.lt !== undefined ? BigInt(String(r.lt)) - 1n : r.lte !== undefined ? BigInt(String(r.lte)) : undefined;
    if (min !== undefined && max !== undefined && min <= max) s.pattern = integerRangePattern(min, max);
    else if (min !== undefined && max === undefined && min >= 1n) s.pattern = "^[1-9][0-9]*$";
    else if (min !== undefined && max === undefined && min >= 0n) s.pattern = "^[0-9]+$";
  }
  if (lower && upper && num(lo) > num(hi)) {
    // protovalidate: gt > lt means "outside the range"
    s.anyOf = [lower, upper];
  } else {
    if (lower) Object.assign(s, lower);
    if (upper) Object.assign(s, upper);
  }
  for (const [k, v] of Object.entries(r)) {
    if (["gt", "gte", "lt", "lte"].includes(k)) continue;
    if (k === "const") {
      if (wide) s.enum = values([v]);
      else s.const = num(v);
    } else if (k === "in") s.enum = values(v as unknown[]);
    else if (k === "notIn") s.not = { enum: values(v as unknown[]) };
    else keep(s, k, v);
  }
}

function enumRules(e: DescEnum, r: Json, s: Schema) {
  const nameOf = (n: unknown) => e.values.find((v) => v.number === Number(n))?.name ?? Number(n);
  for (const [k, v] of Object.entries(r)) {
    if (k === "const") s.const = nameOf(v);
    else if (k === "in") s.enum = (v as unknown[]).map(nameOf);
    else if (k === "notIn") s.not = { enum: (v as unknown[]).map(nameOf) };
    else if (k === "definedOnly") continue; // the schema lists defined names only anyway
    else keep(s, k, v);
  }
}

/** Applies one type's rules (the `string`, `int32`, ... member of FieldRules) to a scalar or enum schema. */
function typeRules(kind: string, r: Json, s: Schema, e: DescEnum | undefined) {
  if (kind === "string") stringRules(r, s);
  else if (NUMBER_KINDS.includes(kind)) numberRules(kind, r, s);
  else if (kind === "bool" && r.const !== undefined) s.const = r.const;
  else if (kind === "enum" && e) enumRules(e, r, s);
  else keep(s, kind, r);
}

/**
 * Turns a field's protovalidate rules into JSON Schema constraints on `s` (the field's schema).
 * Returns true when the field is `required`, for the message's `required` list.
 */
export function applyFieldRules(rules: Json, s: Schema, f: DescField): boolean {
  let required = false;
  for (const [k, v] of Object.entries(rules)) {
    if (k === "required") required = v === true;
    else if (k === "ignore") continue;
    else if (k === "repeated" && f.fieldKind === "list") {
      const r = v as Json;
      if (r.minItems !== undefined) s.minItems = Number(r.minItems);
      if (r.maxItems !== undefined) s.maxItems = Number(r.maxItems);
      if (r.unique === true) s.uniqueItems = true;
      if (r.items) applyNested(r.items as Json, s.items as Schema, f.listKind === "enum" ? f.enum : undefined);
    } else if (k === "map" && f.fieldKind === "map") {
      const r = v as Json;
      if (r.minPairs !== undefined) s.minProperties = Number(r.minPairs);
      if (r.maxPairs !== undefined) s.maxProperties = Number(r.maxPairs);
      if (r.keys) applyNested(r.keys as Json, (s.propertyNames ??= {}) as Schema, undefined);
      if (r.values) applyNested(r.values as Json, s.additionalProperties as Schema, f.mapKind === "enum" ? f.enum : undefined);
    } else if (f.fieldKind === "scalar" || f.fieldKind === "enum") {
      typeRules(k, v as Json, s, f.fieldKind === "enum" ? f.enum : undefined);
    } else keep(s, k, v);
  }
  return required;
}

/** Rules for list items, map keys and map values (FieldRules without a field of their own). */
function applyNested(rules: Json, s: Schema, e: DescEnum | undefined) {
  for (const [k, v] of Object.entries(rules)) {
    if (k === "required" || k === "ignore") continue;
    typeRules(k, v as Json, s, e);
  }
}
