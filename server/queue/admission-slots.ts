import { totalOf, type Inventory } from "./seat-inventory.js";

/**
 * The inventory's cap on ACTIVE fans (SPEC 7.3); undefined = no cap beyond max_active.
 * - a concert without seats (no date yet) is not capped;
 * - no free seat (every seat held or sold): 0, nobody new is admitted;
 * - AUTO: ceil(free seats ÷ seats bought per admitted fan), at most max_active. Seats per fan is
 *   observed over the admissions that are over (admitted so far minus those ACTIVE now, who may still
 *   buy): sold ÷ finished. Counting the active too would shrink the figure with every admission and so
 *   grow the slots while nobody has bought yet. Before any sale it is taken as 1 (one seat per fan).
 */
export function slotsFor(inv: Inventory, auto: boolean, finished: number, maxActive: number): number | undefined {
  if (totalOf(inv) === 0) return undefined;
  if (inv.free === 0) return 0;
  if (!auto) return undefined;
  return Math.min(maxActive, Math.ceil(inv.free / seatsPerFan(inv, finished)));
}

/** Seats bought per admission that is over; 1 before there is anything to observe. */
export const seatsPerFan = (inv: Inventory, finished: number) => (inv.sold > 0 && finished > 0 ? inv.sold / finished : 1);

/** Admissions that are over (the fan paid, left, was removed or timed out). */
export const finishedAdmissions = (admittedTotal: number, active: number) => Math.max(0, admittedTotal - active);

export const isSoldOut = (inv: Inventory) => totalOf(inv) > 0 && inv.sold === totalOf(inv);
