import { ScalarType, type AnyDesc, type DescEnum, type DescField, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";
import { applyFieldRules, messageRulesExtension, type RulesReader } from "./validate-rules.js";

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) object; kept loose on purpose. */
export type Schema = Record<string, unknown>;

export const ref = (typeName: string): Schema => ({ $ref: `#/components/schemas/${typeName}` });

/** Leading comment of a descriptor as plain text, or undefined. */
export function commentOf(desc: Exclude<AnyDesc, DescFile>): string | undefined {
  const text = getComments(desc as never).leading;
  if (!text) return undefined;
  const out = text
    .split("\n")
    .map((l) => l.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
  return out === "" ? undefined : out;
}

const INT64_PATTERN = "^-?[0-9]+$";
const UINT64_PATTERN = "^[0-9]+$";

/**
 * proto3 JSON of a scalar: 64-bit integers are decimal strings (JavaScript numbers cannot hold
 * them; the server also accepts numbers), bytes are base64, floats may be "NaN"/"Infinity".
 */
export function scalarSchema(t: ScalarType): Schema {
  switch (t) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "int32", minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: ["string", "integer"], format: "int64", pattern: INT64_PATTERN };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: ["string", "integer"], format: "int64", pattern: UINT64_PATTERN, minimum: 0 };
  }
}

/** Well-known types have their own JSON forms (RFC 3339 timestamps, "1.5s" durations, bare wrapped values...). */
function wellKnownSchema(m: DescMessage): Schema | undefined {
  switch (m.typeName) {
    case "google.protobuf.Timestamp":
      return { type: "string", format: "date-time", description: "RFC 3339 timestamp in UTC, e.g. 2027-01-01T10:00:00Z" };
    case "google.protobuf.Duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", description: 'Seconds with an "s" suffix, e.g. "1.5s"' };
    case "google.protobuf.FieldMask":
      return { type: "string", description: "Comma-separated lowerCamelCase field paths" };
    case "google.protobuf.Empty":
      return { type: "object" };
    case "google.protobuf.Struct":
      return { type: "object", additionalProperties: true };
    case "google.protobuf.Value":
      return {};
    case "google.protobuf.ListValue":
      return { type: "array" };
    case "google.protobuf.Any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"], additionalProperties: true };
    case "google.protobuf.DoubleValue":
      return scalarSchema(ScalarType.DOUBLE);
    case "google.protobuf.FloatValue":
      return scalarSchema(ScalarType.FLOAT);
    case "google.protobuf.Int64Value":
      return scalarSchema(ScalarType.INT64);
    case "google.protobuf.UInt64Value":
      return scalarSchema(ScalarType.UINT64);
    case "google.protobuf.Int32Value":
      return scalarSchema(ScalarType.INT32);
    case "google.protobuf.UInt32Value":
      return scalarSchema(ScalarType.UINT32);
    case "google.protobuf.BoolValue":
      return scalarSchema(ScalarType.BOOL);
    case "google.protobuf.StringValue":
      return scalarSchema(ScalarType.STRING);
    case "google.protobuf.BytesValue":
      return scalarSchema(ScalarType.BYTES);
  }
  return undefined;
}

/**
 * Collects component schemas for messages and enums reachable from the RPCs. Messages and enums
 * become `#/components/schemas/<full proto name>`; well-known types are inlined.
 */
export class SchemaCollector {
  readonly schemas = new Map<string, Schema>();

  constructor(private readonly rules: RulesReader) {}

  /** A reference to the message's schema, generating it (and what it uses) on first sight. */
  messageRef(m: DescMessage): Schema {
    const wkt = wellKnownSchema(m);
    if (wkt) return { ...wkt };
    if (!this.schemas.has(m.typeName)) {
      this.schemas.set(m.typeName, {}); // placeholder first: recursive messages refer to themselves
      this.schemas.set(m.typeName, this.messageSchema(m));
    }
    return ref(m.typeName);
  }

  enumRef(e: DescEnum): Schema {
    if (e.typeName === "google.protobuf.NullValue") return { type: "null" };
    if (!this.schemas.has(e.typeName)) this.schemas.set(e.typeName, this.enumSchema(e));
    return ref(e.typeName);
  }

  private enumSchema(e: DescEnum): Schema {
    const lines = e.values.map((v) => `- \`${v.name}\`${commentOf(v) ? `: ${commentOf(v)}` : ""}`);
    const head = commentOf(e);
    return {
      title: e.name,
      type: "string",
      enum: e.values.map((v) => v.name),
      description: [head, "Sent as the value's name (the number is accepted too).", lines.join("\n")].filter(Boolean).join("\n\n"),
    };
  }

  private messageSchema(m: DescMessage): Schema {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const f of m.fields) {
      const s = this.fieldSchema(f);
      const doc = commentOf(f);
      if (doc) s.description = s.description ? `${doc}\n\n${s.description}` : doc;
      const rules = this.rules.fieldRules(f);
      if (rules && applyFieldRules(rules, s, f)) required.push(f.jsonName);
      properties[f.jsonName] = s;
    }
    const schema: Schema = { title: m.name, type: "object" };
    const doc = commentOf(m);
    if (doc) schema.description = doc;
    schema.properties = properties;
    if (required.length > 0) schema.required = required;
    const allOf: Schema[] = [];
    for (const o of m.oneofs) {
      const names = o.fields.map((f) => f.jsonName);
      const pairs: Schema[] = [];
      for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push({ required: [names[i], names[j]] });
      if (pairs.length > 0) allOf.push({ not: { anyOf: pairs } });
      if (this.rules.oneofRequired(o)) allOf.push({ anyOf: names.map((n) => ({ required: [n] })) });
    }
    if (allOf.length > 0) schema.allOf = allOf;
    const extra = this.rules.messageRules(m);
    if (extra) schema[messageRulesExtension] = extra;
    return schema;
  }

  private fieldSchema(f: DescField): Schema {
    switch (f.fieldKind) {
      case "scalar":
        return scalarSchema(f.scalar);
      case "enum":
        return this.enumRef(f.enum);
      case "message":
        return this.messageRef(f.message);
      case "list":
        return {
          type: "array",
          items: f.listKind === "scalar" ? scalarSchema(f.scalar) : f.listKind === "enum" ? this.enumRef(f.enum) : this.messageRef(f.message),
        };
      case "map": {
        const key = scalarSchema(f.mapKey);
        const value = f.mapKind === "scalar" ? scalarSchema(f.scalar) : f.mapKind === "enum" ? this.enumRef(f.enum) : this.messageRef(f.message);
        const s: Schema = { type: "object", additionalProperties: value };
        // JSON object keys are strings; integer and bool keys are written in decimal / "true".
        if (f.mapKey === ScalarType.BOOL) s.propertyNames = { enum: ["true", "false"] };
        else if (key.format === "int32" || key.format === "int64") s.propertyNames = { pattern: key.minimum === 0 ? UINT64_PATTERN : INT64_PATTERN };
        return s;
      }
    }
  }
}
