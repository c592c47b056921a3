/** A tiny element builder: enough for a reference client without pulling in a UI framework. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: Array<Node | string | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, "").toLowerCase(), v);
    else if (k === "class") el.className = String(v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

export const won = (v: bigint | number) => `₩${Number(v).toLocaleString("en-US")}`;

export function replace(slot: HTMLElement, ...children: Array<Node | string | undefined | false>) {
  slot.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== false));
}
