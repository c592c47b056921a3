import { createElement, type ReactElement } from "react";
import { isInteractive, printJson, printLines } from "../services/output.js";
import type { Ui } from "./ui.js";

export interface ResultViews<T> {
  /** What the spinner says while the request runs: "loading concerts". */
  label: string;
  json(result: T): unknown;
  plain(result: T): string[];
  /** The Ink view; gets the lazily loaded Ink components. */
  view(result: T, ui: Ui): ReactElement;
}

/**
 * How every one-shot command shows its result: JSON with --json, plain lines when stdout is not a
 * terminal, and an Ink view (spinner first) for a person.
 */
export async function renderResult<T>(json: boolean, load: () => Promise<T>, views: ResultViews<T>): Promise<void> {
  if (json) {
    printJson(views.json(await load()));
    return;
  }
  if (!isInteractive()) {
    printLines(views.plain(await load()));
    return;
  }
  const ui = await import("./ui.js");
  const app = ui.render(createElement(ui.Await<T>, { load, label: views.label, view: (r: T) => views.view(r, ui) }), { patchConsole: false });
  await app.waitUntilExit();
}
