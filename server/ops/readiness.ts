/** A dependency the server needs to do its work; `check` rejects when it does not answer. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * A dependency made of several parts checked together (the nodes of a Redis Cluster), each reported
 * under its own name; `checkEach` resolves to name -> error message (undefined when that part is up).
 */
export interface DependencyGroup {
  name: string;
  checkEach(): Promise<Record<string, string | undefined>>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, "up" | "down">;
  errors?: Record<string, string>;
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** Asks every dependency at once, each with its own time limit. */
export async function checkReadiness(deps: Array<DependencyCheck | DependencyGroup>, timeoutMs = 2_000): Promise<Readiness> {
  const nested = await Promise.all(
    deps.map(async (d): Promise<Array<readonly [string, string | undefined]>> => {
      try {
        if ("checkEach" in d) return Object.entries(await within(d.checkEach(), timeoutMs));
        await within(d.check(), timeoutMs);
        return [[d.name, undefined] as const];
      } catch (e) {
        return [[d.name, e instanceof Error ? e.message : String(e)] as const];
      }
    }),
  );
  const results = nested.flat();
  const checks: Record<string, "up" | "down"> = {};
  const errors: Record<string, string> = {};
  for (const [name, err] of results) {
    checks[name] = err === undefined ? "up" : "down";
    if (err !== undefined) errors[name] = err;
  }
  const ready = Object.values(checks).every((c) => c === "up");
  return ready ? { ready, checks } : { ready, checks, errors };
}
