import type { Schema } from "./json-schema.js";

/** Connect error codes with the HTTP status a unary call answers with (connectrpc.com/docs/protocol). */
export const CONNECT_CODES: Array<[code: string, http: number]> = [
  ["canceled", 499], ["unknown", 500], ["invalid_argument", 400], ["deadline_exceeded", 504], ["not_found", 404],
  ["already_exists", 409], ["permission_denied", 403], ["resource_exhausted", 429], ["failed_precondition", 400],
  ["aborted", 409], ["out_of_range", 400], ["unimplemented", 501], ["internal", 500], ["unavailable", 503],
  ["data_loss", 500], ["unauthenticated", 401],
];

/** Schemas every Connect API shares: the error JSON and the end-of-stream message. */
export const connectSchemas: Record<string, Schema> = {
  "connect.Error": {
    title: "Connect error",
    type: "object",
    description:
      "The body of a failed unary call (any non-200 status), and the `error` of a stream's end message. " +
      "HTTP status by code: " + CONNECT_CODES.map(([c, h]) => `${c} ${h}`).join(", ") + ".",
    properties: {
      code: { type: "string", enum: CONNECT_CODES.map(([c]) => c), description: "Connect (gRPC) status code in snake_case." },
      message: { type: "string", description: "What went wrong and what to do, for a developer." },
      details: { type: "array", items: { $ref: "#/components/schemas/connect.ErrorDetail" } },
    },
    required: ["code"],
  },
  "connect.ErrorDetail": {
    type: "object",
    description: "A protobuf message attached to the error.",
    properties: {
      type: { type: "string", description: 'Fully-qualified message name, e.g. "google.rpc.RetryInfo".' },
      value: { type: "string", contentEncoding: "base64", description: "The message in binary protobuf, base64 without padding." },
      debug: { description: "The message as JSON, when the server adds it." },
    },
    required: ["type", "value"],
  },
  "connect.EndStreamResponse": {
    type: "object",
    description:
      "The last envelope of a Connect stream (flags 0x02). Without `error` the stream ended normally; " +
      "errors after the response started arrive here, with HTTP status 200.",
    properties: {
      error: { $ref: "#/components/schemas/connect.Error" },
      metadata: { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description: "Trailers." },
    },
  },
};

export const connectParameters: Record<string, Schema> = {
  ConnectProtocolVersion: {
    name: "Connect-Protocol-Version",
    in: "header",
    required: false,
    description: "Connect protocol version; clients send 1.",
    schema: { type: "string", const: "1" },
  },
  ConnectTimeoutMs: {
    name: "Connect-Timeout-Ms",
    in: "header",
    required: false,
    description: "Deadline for the call in milliseconds (positive integer, up to 10 digits).",
    schema: { type: "string", pattern: "^[0-9]{1,10}$" },
  },
};

export const connectResponses: Record<string, Schema> = {
  ConnectError: {
    description: "The call failed; the HTTP status follows the Connect code (see connect.Error).",
    content: { "application/json": { schema: { $ref: "#/components/schemas/connect.Error" } } },
  },
};

export const STREAM_DESCRIPTION =
  "Connect server streaming: POST with `Content-Type: application/connect+json`. The request body is one " +
  "enveloped message, and the response body is a sequence of envelopes. Each envelope is 1 byte of flags " +
  "(0x00 message, 0x02 end of stream), a 4-byte big-endian length, then that many bytes of JSON: the " +
  "response message shown here for each update, and connect.EndStreamResponse last. @connectrpc/connect-web " +
  "does this framing for you.";

export const API_DESCRIPTION =
  "Connect protocol over HTTP/1.1 or HTTP/2 (the same port also serves gRPC and gRPC-Web).\n\n" +
  "- Unary RPCs: `POST /<package>.<Service>/<Method>` with `Content-Type: application/json` and the request " +
  "message as JSON; 200 returns the response message, anything else a connect.Error.\n" +
  "- Server-streaming RPCs: Connect streaming with `application/connect+json` (see the operation).\n\n" +
  "Bodies use the proto3 JSON mapping: lowerCamelCase field names (the proto names are accepted too), " +
  "64-bit integers as decimal strings (numbers accepted), enums by value name, bytes as base64, " +
  "google.protobuf.Timestamp as an RFC 3339 string; fields at their default value (0, \"\", false, empty) are " +
  "left out of responses. Field constraints come from the protovalidate (buf.validate) rules in the protos; " +
  "rules JSON Schema cannot express are kept verbatim under `x-protovalidate`.";
