/** A dependency the server needs to do its work; `check` rejects when it does not answer. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, "up" | "down">;
  errors?: Record<string, string>;
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** Asks every dependency at once, each with its own time limit. */
export async function checkReadiness(deps: DependencyCheck[], timeoutMs = 2_000): Promise<Readiness> {
  const results = await Promise.all(
    deps.map(async (d) => {
      try {
        await within(d.check(), timeoutMs);
        return [d.name, undefined] as const;
      } catch (e) {
        return [d.name, e instanceof Error ? e.message : String(e)] as const;
      }
    }),
  );
  const checks: Record<string, "up" | "down"> = {};
  const errors: Record<string, string> = {};
  for (const [name, err] of results) {
    checks[name] = err === undefined ? "up" : "down";
    if (err !== undefined) errors[name] = err;
  }
  const ready = Object.values(checks).every((c) => c === "up");
  return ready ? { ready, checks } : { ready, checks, errors };
}
