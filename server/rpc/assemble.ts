import type { DescService } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { notYet } from "./not-yet.js";

/** One handler object per service, from the modules' parts; an RPC no module implements says UNIMPLEMENTED. */
export function assemble<S extends DescService>(service: S, ...parts: Array<Partial<ServiceImpl<S>> | undefined>): ServiceImpl<S> {
  const impl: Record<string, unknown> = {};
  for (const m of service.methods) {
    const part = parts.find((p) => p && (p as Record<string, unknown>)[m.localName]);
    impl[m.localName] = part ? (part as Record<string, unknown>)[m.localName] : notYet(`${service.typeName}.${m.name}`);
  }
  return impl as ServiceImpl<S>;
}
