/**
 * Plugin options, from `opt:` in buf.gen.yaml (buf joins them with commas). Repeat a key to give
 * several values. Access rules live in the server, not in the protos, so the few that a web
 * developer must know (which calls are public, which need an extra header) are passed in here.
 *
 *   package=concert.v1                      proto package to describe (repeatable; default: every package with services)
 *   title=...  version=...                  info.title and info.version
 *   server=http://localhost:8080            servers[].url (repeatable)
 *   bearer=true                             every operation needs `Authorization: Bearer <JWT>` ...
 *   public=concert.v1.Svc.Method            ... except these (repeatable)
 *   header_key=name:header-name:Description an apiKey-in-header security scheme (repeatable)
 *   require=name:concert.v1.Svc.Method      an operation needs that header too (repeatable)
 */
export interface HeaderKey {
  name: string;
  header: string;
  description: string;
}

export interface Options {
  packages: string[];
  title?: string;
  version: string;
  servers: string[];
  bearer: boolean;
  publicMethods: Set<string>;
  headerKeys: HeaderKey[];
  /** operation id -> header-key scheme names it needs besides the bearer token */
  requires: Map<string, string[]>;
}

export function parseOptions(parameter: string): Options {
  const o: Options = { packages: [], version: "v1", servers: [], bearer: false, publicMethods: new Set(), headerKeys: [], requires: new Map() };
  for (const raw of parameter.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    switch (key) {
      case "package":
        o.packages.push(value);
        break;
      case "title":
        o.title = value;
        break;
      case "version":
        o.version = value;
        break;
      case "server":
        o.servers.push(value);
        break;
      case "bearer":
        o.bearer = value !== "false";
        break;
      case "public":
        o.publicMethods.add(value);
        break;
      case "header_key": {
        const [name, header, ...description] = value.split(":");
        if (!name || !header) throw new Error(`header_key wants name:header-name[:description], got "${value}"`);
        o.headerKeys.push({ name, header, description: description.join(":") });
        break;
      }
      case "require": {
        const [name, method] = value.split(":");
        if (!name || !method) throw new Error(`require wants scheme-name:package.Service.Method, got "${value}"`);
        o.requires.set(method, [...(o.requires.get(method) ?? []), name]);
        break;
      }
      default:
        throw new Error(`unknown option "${key}" (known: package, title, version, server, bearer, public, header_key, require)`);
    }
  }
  for (const [method, names] of o.requires) {
    for (const n of names) {
      if (!o.headerKeys.some((h) => h.name === n)) throw new Error(`require=${n}:${method} names no header_key "${n}"`);
    }
  }
  return o;
}
