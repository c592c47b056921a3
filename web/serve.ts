import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { mintToken } from "../cli/services/token-minter.js";

const WEB = import.meta.dirname;

export interface WebServerOptions {
  /** Where the page sends its Connect calls. */
  apiUrl: string;
  /** JWT injected into the page; without one the page asks the user to paste a JWT. */
  token?: string;
  port?: number;
  host?: string;
}

/** Bundles web/src with esbuild (in memory, with a source map) into one ES module for the browser. */
export async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(WEB, "src", "main.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

/**
 * The tiny static server of `npm run web`: index.html, style.css, the bundle as /app.js, and
 * /config.js with the API URL and the injected token. Binds to 127.0.0.1 by default because the
 * page it serves carries a usable JWT.
 */
export async function startWebServer(opts: WebServerOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const app = await bundle();
  const config = `window.CONCERT_WEB = ${JSON.stringify({ apiUrl: opts.apiUrl, ...(opts.token ? { token: opts.token } : {}) })};\n`;
  const files: Record<string, [type: string, body: () => Promise<string> | string]> = {
    "/": ["text/html", () => readFile(join(WEB, "index.html"), "utf8")],
    "/index.html": ["text/html", () => readFile(join(WEB, "index.html"), "utf8")],
    "/style.css": ["text/css", () => readFile(join(WEB, "style.css"), "utf8")],
    "/app.js": ["text/javascript", () => app],
    "/config.js": ["text/javascript", () => config],
  };
  const server = createServer(async (req, res) => {
    const file = files[new URL(req.url ?? "/", "http://x").pathname];
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const body = await file[1]();
    res.writeHead(200, { "content-type": `${file[0]}; charset=utf-8`, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}/`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: "string", default: "1001" },
      "no-token": { type: "boolean", default: false },
      port: { type: "string", default: process.env.WEB_PORT ?? "5173" },
      host: { type: "string", default: "127.0.0.1" },
      api: { type: "string", default: process.env.API_URL ?? "http://localhost:8080" },
    },
  });
  // The server never mints tokens; this dev tool does, with the same rules as `concert-admin token mint`
  // (AUTH_JWT_SECRET or the local dev secret; refused with APP_ENV=production).
  const token = values["no-token"] ? undefined : (await mintToken({ userId: BigInt(values.user!), admin: false, ttlSeconds: 8 * 3600 })).token;
  const web = await startWebServer({ apiUrl: values.api!, token, port: Number(values.port), host: values.host });
  console.log(`web client on ${web.url} -> API ${values.api}${token ? ` (signed in as user ${values.user}, dev JWT for 8h)` : " (paste a JWT in the page)"}`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    console.error(`npm run web: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
