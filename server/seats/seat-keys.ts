/**
 * Redis key names of a schedule's seats (SPEC section 6). Every key carries the schedule id in one
 * hash tag, so the hold and status scripts touch a single Redis Cluster slot.
 */
const tag = (scheduleId: number) => `{s${scheduleId}}`;

/** Hash seat number -> AVAILABLE | HELD | SOLD, kept in step with the database (which wins). */
export const seatStatusKey = (scheduleId: number) => `seat-status:${tag(scheduleId)}`;

/** String per seat, value = holder's user id, TTL = the hold's life: the fast gate in front of the database. */
export const seatHoldKey = (scheduleId: number, seatNumber: number) => `${seatHoldKeyBase(scheduleId)}${seatNumber}`;

/** What every hold key of a schedule starts with (for scripts that visit all of a schedule's seats). */
export const seatHoldKeyBase = (scheduleId: number) => `seat-hold:${tag(scheduleId)}:`;
