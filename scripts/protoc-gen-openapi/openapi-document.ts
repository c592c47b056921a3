import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { API_DESCRIPTION, STREAM_DESCRIPTION, connectParameters, connectResponses, connectSchemas } from "./connect-protocol.js";
import { commentOf, type Schema, type SchemaCollector } from "./json-schema.js";
import type { Options } from "./options.js";

const parameters = [{ $ref: "#/components/parameters/ConnectProtocolVersion" }, { $ref: "#/components/parameters/ConnectTimeoutMs" }];

function summaryOf(doc: string | undefined): string | undefined {
  const first = doc?.split("\n")[0];
  return first ? first.replace(/\.$/, "") : undefined;
}

function security(opts: Options, id: string): Array<Record<string, string[]>> | undefined {
  const extra = opts.requires.get(id) ?? [];
  if (!opts.bearer && extra.length === 0) return undefined;
  if (opts.publicMethods.has(id) && extra.length === 0) return [];
  const req: Record<string, string[]> = {};
  if (opts.bearer && !opts.publicMethods.has(id)) req.bearerAuth = [];
  for (const n of extra) req[n] = [];
  return [req];
}

function operation(m: DescMethod, s: DescService, opts: Options, schemas: SchemaCollector): Schema {
  const id = `${s.typeName}.${m.name}`;
  const doc = commentOf(m);
  const op: Schema = { operationId: id, tags: [s.typeName] };
  const summary = summaryOf(doc);
  if (summary) op.summary = summary;
  const streaming = m.methodKind === "server_streaming";
  const notes: string[] = [];
  if (doc) notes.push(doc);
  if (streaming) notes.push(STREAM_DESCRIPTION);
  if (m.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) notes.push("Has no side effects: safe to retry.");
  op.description = notes.join("\n\n");
  op.parameters = parameters;
  const contentType = streaming ? "application/connect+json" : "application/json";
  op.requestBody = { required: true, content: { [contentType]: { schema: schemas.messageRef(m.input) } } };
  op.responses = streaming
    ? {
        "200": {
          description: "A stream of enveloped response messages, ending with a connect.EndStreamResponse envelope.",
          content: { [contentType]: { schema: schemas.messageRef(m.output) } },
        },
        default: { $ref: "#/components/responses/ConnectError" },
      }
    : {
        "200": { description: "Success.", content: { [contentType]: { schema: schemas.messageRef(m.output) } } },
        default: { $ref: "#/components/responses/ConnectError" },
      };
  const sec = security(opts, id);
  if (sec) op.security = sec;
  op["x-connect-method-kind"] = m.methodKind;
  return op;
}

/**
 * One OpenAPI 3.1 document for the services of one proto package. Client- and bidi-streaming RPCs
 * are left out: Connect serves them only over HTTP/2 with binary framing no browser `fetch` can drive.
 */
export function buildDocument(pkg: string, services: DescService[], opts: Options, schemas: SchemaCollector): Schema {
  const paths: Record<string, Schema> = {};
  const tags: Schema[] = [];
  const skipped: string[] = [];
  for (const s of services) {
    const doc = commentOf(s);
    tags.push(doc ? { name: s.typeName, description: doc } : { name: s.typeName });
    for (const m of s.methods) {
      if (m.methodKind === "unary" || m.methodKind === "server_streaming") {
        paths[`/${s.typeName}/${m.name}`] = { post: operation(m, s, opts, schemas) };
      } else skipped.push(`${s.typeName}/${m.name}`);
    }
  }
  const components: Schema = {
    schemas: Object.fromEntries(
      [...schemas.schemas.entries(), ...Object.entries(connectSchemas)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    parameters: connectParameters,
    responses: connectResponses,
  };
  const securitySchemes: Record<string, Schema> = {};
  if (opts.bearer) securitySchemes.bearerAuth = { type: "http", scheme: "bearer", bearerFormat: "JWT" };
  for (const h of opts.headerKeys) {
    securitySchemes[h.name] = { type: "apiKey", in: "header", name: h.header, ...(h.description ? { description: h.description } : {}) };
  }
  if (Object.keys(securitySchemes).length > 0) components.securitySchemes = securitySchemes;
  let description = API_DESCRIPTION;
  if (skipped.length > 0) description += `\n\nNot described (client or bidi streaming): ${skipped.join(", ")}.`;
  return {
    openapi: "3.1.0",
    info: { title: opts.title ?? `${pkg} Connect API`, version: opts.version, description },
    ...(opts.servers.length > 0 ? { servers: opts.servers.map((url) => ({ url })) } : {}),
    tags,
    paths,
    components,
  };
}
