import { useEffect, useState, type ReactElement } from "react";
import { Text, useApp } from "ink";
import Spinner from "ink-spinner";

type State<T> = { kind: "loading" } | { kind: "done"; result: T } | { kind: "failed"; error: Error };

/** A spinner while `load` runs, then the view; a failure clears the spinner and ends the render with the error. */
export function Await<T>({ load, label, view }: { load: () => Promise<T>; label: string; view: (r: T) => ReactElement }) {
  const { exit } = useApp();
  const [state, setState] = useState<State<T>>({ kind: "loading" });
  useEffect(() => {
    load().then(
      (result) => setState({ kind: "done", result }),
      (e) => setState({ kind: "failed", error: e instanceof Error ? e : new Error(String(e)) }),
    );
  }, [load]);
  useEffect(() => {
    if (state.kind === "done") exit();
    if (state.kind === "failed") exit(state.error);
  }, [state, exit]);
  if (state.kind === "done") return view(state.result);
  if (state.kind === "failed") return null;
  return (
    <Text>
      <Text color="cyan">
        <Spinner type="dots" />
      </Text>{" "}
      {label}…
    </Text>
  );
}
