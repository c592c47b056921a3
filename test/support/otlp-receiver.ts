import http from "node:http";
import type { AddressInfo } from "node:net";

/** One span as the OTLP/HTTP JSON exporter sends it, flattened with its resource's attributes. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

/** OTLP span kinds. */
export const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
type KeyValues = Array<{ key: string; value: AnyValue }> | undefined;

const valueOf = (v: AnyValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? "";
const attrs = (kv: KeyValues) => Object.fromEntries((kv ?? []).map((a) => [a.key, valueOf(a.value)]));

/**
 * A tiny OTLP/HTTP trace receiver (what Jaeger or a collector listen for on 4318), on a free loopback
 * port: it accepts JSON on POST /v1/traces, answers 200, and keeps every span and the number of requests.
 */
export async function startOtlpReceiver(): Promise<{ url: string; requests: () => number; spans: () => ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces" || !(req.headers["content-type"] ?? "").startsWith("application/json")) {
        res.writeHead(400).end();
        return;
      }
      const doc = JSON.parse(body) as {
        resourceSpans?: Array<{
          resource?: { attributes?: KeyValues };
          scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; status?: { code?: number }; attributes?: KeyValues }> }>;
        }>;
      };
      for (const rs of doc.resourceSpans ?? []) {
        const resource = attrs(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? "", name: s.name, kind: s.kind, status: s.status?.code ?? 0, attributes: attrs(s.attributes), resource });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    spans: () => [...spans],
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
