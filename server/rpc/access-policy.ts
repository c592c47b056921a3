/**
 * Who may call what (SPEC section 2). Anything not listed needs a JWT, so a new RPC is closed
 * until someone decides otherwise. Queue-token rules are checked by the queue-token interceptor.
 */
export type Access = "public" | "user" | "admin";

const table: Record<string, Access> = {
  "concert.v1.ConcertService/ListConcerts": "public",
  "concert.v1.ConcertService/GetConcert": "public",
  "concert.v1.ConcertService/GetDraw": "public",
  "grpc.health.v1.Health/Check": "public",
  "grpc.health.v1.Health/Watch": "public",
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": "public",
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": "public",
};

export function accessOf(serviceTypeName: string, methodName: string): Access {
  if (serviceTypeName === "concert.v1.AdminService") return "admin";
  return table[`${serviceTypeName}/${methodName}`] ?? "user";
}
