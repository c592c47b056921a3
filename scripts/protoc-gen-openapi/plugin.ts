import { create, createFileRegistry, type DescService } from "@bufbuild/protobuf";
import {
  CodeGeneratorResponse_Feature, CodeGeneratorResponseSchema, FileDescriptorSetSchema, type CodeGeneratorRequest,
} from "@bufbuild/protobuf/wkt";
import type { Plugin } from "@bufbuild/protoplugin";
import { buildDocument } from "./openapi-document.js";
import { SchemaCollector } from "./json-schema.js";
import { parseOptions } from "./options.js";
import { RulesReader } from "./validate-rules.js";

/**
 * protoc-gen-openapi: writes `openapi/<package>.openapi.json`, an OpenAPI 3.1 description of the
 * Connect JSON API of each proto package in the request that has services. Run by buf with
 * `strategy: all` so one request sees every file of a package.
 */
export const plugin: Plugin = {
  name: "protoc-gen-openapi",
  version: "v1",
  run(request: CodeGeneratorRequest) {
    const opts = parseOptions(request.parameter);
    const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: request.protoFile as never }));
    const rules = new RulesReader(registry);
    const byPackage = new Map<string, DescService[]>();
    for (const name of request.fileToGenerate) {
      const file = registry.getFile(name);
      if (!file || file.services.length === 0) continue;
      if (opts.packages.length > 0 && !opts.packages.includes(file.proto.package)) continue;
      byPackage.set(file.proto.package, [...(byPackage.get(file.proto.package) ?? []), ...file.services]);
    }
    const missing = opts.packages.filter((p) => !byPackage.has(p));
    if (missing.length > 0) throw new Error(`package=${missing.join(",")}: no services of that package among the files to generate`);
    const files = [...byPackage.entries()].map(([pkg, services]) => ({
      name: `openapi/${pkg}.openapi.json`,
      content: `${JSON.stringify(buildDocument(pkg, services, opts, new SchemaCollector(rules)), null, 2)}\n`,
    }));
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: BigInt(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: files,
    }) as never;
  },
};
