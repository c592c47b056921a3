import type { DescService } from "@bufbuild/protobuf";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";

export type Protocol = "connect" | "grpc" | "grpc-web";

/** A typed client over one of the three protocols the server speaks, with fixed headers (JWT, queue token). */
export function clientFor<S extends DescService>(
  service: S,
  baseUrl: string,
  opts: { protocol?: Protocol; headers?: Record<string, string> } = {},
): Client<S> {
  const headers = opts.headers ?? {};
  const addHeaders: Interceptor = (next) => (req) => {
    for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
    return next(req);
  };
  const common = { baseUrl, interceptors: [addHeaders] };
  const protocol = opts.protocol ?? "connect";
  const transport =
    protocol === "grpc"
      ? createGrpcTransport({ ...common })
      : protocol === "grpc-web"
        ? createGrpcWebTransport({ ...common, httpVersion: "1.1" })
        : createConnectTransport({ ...common, httpVersion: "1.1" });
  return createClient(service, transport);
}

/** POST a Connect JSON request the way curl or fetch would. */
export async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
