/** Set by /config.js, which `npm run web` writes (see web/serve.ts). */
interface WebConfig {
  apiUrl: string;
  /** A dev JWT minted by `npm run web -- --user <id>`; absent with --no-token. */
  token?: string;
}

declare global {
  interface Window {
    CONCERT_WEB?: WebConfig;
  }
}

const KEY = "concert-web.jwt";

export function loadConfig(): { apiUrl: string; jwt: string } {
  const c = window.CONCERT_WEB ?? { apiUrl: "http://localhost:8080" };
  return { apiUrl: c.apiUrl, jwt: c.token ?? sessionStorage.getItem(KEY) ?? "" };
}

export function rememberJwt(jwt: string) {
  sessionStorage.setItem(KEY, jwt);
}

/** The `sub` of a JWT, for display only (the server verifies the signature). */
export function subjectOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.sub === "string" ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}
