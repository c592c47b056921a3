import * as grpc from "@grpc/grpc-js";
import { fromBinary, toBinary, type DescMessage, type DescMethod, type DescService, type MessageShape } from "@bufbuild/protobuf";

/**
 * A plain @grpc/grpc-js client for any generated service: the wire is what mobile apps send
 * (gRPC over HTTP/2 with prior knowledge), serialized with the generated schemas.
 */
export function grpcJsClient(service: DescService, address: string): grpc.Client & Record<string, any> {
  const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const m of service.methods as DescMethod[]) {
    const input = m.input as DescMessage;
    const output = m.output as DescMessage;
    definition[m.localName] = {
      path: `/${service.typeName}/${m.name}`,
      requestStream: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      requestSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(input, msg)),
      requestDeserialize: (buf: Buffer) => fromBinary(input, buf),
      responseSerialize: (msg: MessageShape<DescMessage>) => Buffer.from(toBinary(output, msg)),
      responseDeserialize: (buf: Buffer) => fromBinary(output, buf),
    };
  }
  const Ctor = grpc.makeGenericClientConstructor(definition, service.name);
  return new Ctor(address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
}

/** Calls a unary method and resolves with the response or rejects with the grpc-js ServiceError. */
export function unary<T>(client: Record<string, any>, method: string, req: unknown, metadata = new grpc.Metadata()): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](req, metadata, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res)));
  });
}

export function metadataOf(headers: Record<string, string>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return md;
}
