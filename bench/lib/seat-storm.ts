/**
 * Scenario d, the seat storm: `clients` fans with ACTIVE tokens fire HoldSeats at once for the 50
 * seats of one date (each trying seats in its own random order until it wins one), then the database
 * is checked: exactly one live reservation per seat, none booked twice.
 */
import { QueryTypes, type Sequelize } from "sequelize";
import { concertWithSeats, issueTokens, jwts, range, type Admin } from "./fixtures.js";
import { log, runGenerator, type ServerProc } from "./stack.js";

export async function seatStormRun(server: ServerProc, admin: Admin, db: Sequelize, firstUserId: number, clients: number, seats = 50) {
  const d = await concertWithSeats(admin, "bench storm", seats, 100_000);
  const ids = range(firstUserId, clients);
  const tokens = await jwts(ids);
  const tickets = await issueTokens(server.url, d.concertId, ids, tokens);
  const storm = await runGenerator("grpc", {
    mode: "storm", address: server.address, scheduleId: d.scheduleId, seats, channels: 4,
    users: ids.map((_, i) => ({ metadata: { authorization: `Bearer ${tokens[i]}`, "x-queue-token": tickets[i]!.token } })),
  });
  const [{ doubles }] = await db.query<{ doubles: number }>(
    `SELECT COUNT(*) AS doubles FROM (SELECT rs.seat_number FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id
      WHERE rs.schedule_id = ? AND r.status IN ('HELD','CONFIRMED') GROUP BY rs.seat_number HAVING COUNT(*) > 1) x`,
    { replacements: [d.scheduleId], type: QueryTypes.SELECT });
  const [{ live, held }] = await db.query<{ live: number; held: number }>(
    `SELECT (SELECT COUNT(*) FROM reservations WHERE schedule_id = ? AND status IN ('HELD','CONFIRMED')) AS live,
            (SELECT COUNT(*) FROM seats WHERE schedule_id = ? AND status <> 'AVAILABLE') AS held`,
    { replacements: [d.scheduleId, d.scheduleId], type: QueryTypes.SELECT });
  const res = { ...storm, database: { doubleBookedSeats: Number(doubles), liveReservations: Number(live), seatsNotAvailable: Number(held) },
    ok: storm.successes === seats && Number(doubles) === 0 && Number(live) === seats };
  log(`seat storm: ${storm.clients} clients, ${storm.successes}/${seats} won, sold out in ${storm.soldOutMs} ms, double bookings ${doubles}`);
  return res;
}
