import { create, createFileRegistry, toBinary, type DescFile, type DescService, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

type Request = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

/** Every file the services need, dependencies included, so reflection can answer for any symbol. */
function registryOf(services: DescService[]): FileRegistry {
  const files = new Map<string, DescFile>();
  const add = (f: DescFile) => {
    if (files.has(f.proto.name)) return;
    for (const d of f.dependencies) add(d);
    files.set(f.proto.name, f);
  };
  for (const s of services) add(s.file);
  const resolve = (name: string) => files.get(name);
  return createFileRegistry(...[...files.values()].map((f) => createFileRegistry(f.proto, resolve)));
}

/** The requested file first, then its transitive dependencies, each once, as grpcurl and buf curl expect. */
function encodeWithDeps(file: DescFile): Uint8Array[] {
  const out: Uint8Array[] = [];
  const seen = new Set<string>();
  const visit = (f: DescFile) => {
    if (seen.has(f.proto.name)) return;
    seen.add(f.proto.name);
    out.push(toBinary(FileDescriptorProtoSchema, f.proto));
    for (const d of f.dependencies) visit(d);
  };
  visit(file);
  return out;
}

function fileOfSymbol(registry: FileRegistry, symbol: string): DescFile | undefined {
  const direct = registry.get(symbol);
  if (direct) return direct.kind === "extension" ? direct.file : direct.file;
  // A method or field name: look up its parent.
  const dot = symbol.lastIndexOf(".");
  if (dot > 0) {
    const parent = registry.get(symbol.slice(0, dot));
    if (parent && (parent.kind === "service" || parent.kind === "message" || parent.kind === "enum")) return parent.file;
  }
  return undefined;
}

type Answer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

const NOT_FOUND = 5;

function answer(registry: FileRegistry, serviceNames: string[], req: Request): Answer {
  const notFound = (what: string): Answer => ({ case: "errorResponse", value: { errorCode: NOT_FOUND, errorMessage: `${what} not found` } });
  const m = req.messageRequest;
  switch (m.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } };
    case "fileByFilename": {
      const f = registry.getFile(m.value);
      return f ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: encodeWithDeps(f) } } : notFound(`file ${m.value}`);
    }
    case "fileContainingSymbol": {
      const f = fileOfSymbol(registry, m.value);
      return f ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: encodeWithDeps(f) } } : notFound(`symbol ${m.value}`);
    }
    case "fileContainingExtension": {
      const msg = registry.getMessage(m.value.containingType);
      const ext = msg ? registry.getExtensionFor(msg, m.value.extensionNumber) : undefined;
      return ext
        ? { case: "fileDescriptorResponse", value: { fileDescriptorProto: encodeWithDeps(ext.file) } }
        : notFound(`extension ${m.value.extensionNumber} of ${m.value.containingType}`);
    }
    case "allExtensionNumbersOfType": {
      const msg = registry.getMessage(m.value);
      if (!msg) return notFound(`type ${m.value}`);
      const numbers: number[] = [];
      for (const t of registry) if (t.kind === "extension" && t.extendee.typeName === m.value) numbers.push(t.number);
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: m.value, extensionNumber: numbers } };
    }
    default:
      return { case: "errorResponse", value: { errorCode: 3, errorMessage: "empty reflection request" } };
  }
}

/** grpc.reflection v1 and v1alpha over the services this server exposes (so `buf curl --reflect` and grpcurl work). */
export function createReflectionHandlers(services: DescService[]) {
  const registry = registryOf(services);
  const names = services.map((s) => s.typeName);
  const v1Impl: ServiceImpl<typeof v1.ServerReflection> = {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: answer(registry, names, req) as v1.ServerReflectionResponse["messageResponse"],
        });
      }
    },
  };
  const v1alphaImpl: ServiceImpl<typeof v1alpha.ServerReflection> = {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: answer(registry, names, req) as v1alpha.ServerReflectionResponse["messageResponse"],
        });
      }
    },
  };
  return { v1: v1Impl, v1alpha: v1alphaImpl };
}
