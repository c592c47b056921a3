import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { QueryTypes, type Sequelize } from "sequelize";
import {
  PaymentCompletedSchema,
  ReservationCancelledSchema,
  ReservationConfirmedSchema,
  ReservationExpiredSchema,
  SeatsHeldSchema,
} from "../../../gen/concert/v1/events_pb.js";
import { outboxEvent } from "../../../server/outbox/outbox-event.js";
import type { OutboxWriter } from "../../../server/outbox/outbox-writer.js";

/**
 * Stands in for the booking RPCs (issue 4) until they land: each step changes reservations, seats and
 * payments and appends its events through the real OutboxWriter in the same MySQL transaction, as the
 * product does. The projection's "database truth" is computed from those rows.
 */
export class BookingSimulator {
  private nextSeat = new Map<number, number>();
  private readonly price = 10_000;

  constructor(
    private readonly db: Sequelize,
    private readonly outbox: OutboxWriter,
  ) {}

  async createConcert(schedules: number, seatsPerSchedule = 2_000): Promise<{ concertId: number; scheduleIds: number[] }> {
    const [concertId] = await this.db.query(
      "INSERT INTO concerts (title, artist, venue, description, created_at, updated_at) VALUES ('Sim', 'Band', 'Hall', '', NOW(3), NOW(3))",
      { type: QueryTypes.INSERT },
    );
    const scheduleIds: number[] = [];
    for (let i = 0; i < schedules; i++) {
      const [id] = await this.db.query(
        "INSERT INTO schedules (concert_id, show_date, starts_at, total_seats, created_at) VALUES (?, '2030-01-01', ?, ?, NOW(3))",
        { replacements: [concertId, new Date(Date.UTC(2030, 0, 1, 10 + i)), seatsPerSchedule], type: QueryTypes.INSERT },
      );
      scheduleIds.push(Number(id));
      const values = Array.from({ length: seatsPerSchedule }, (_, n) => `(${Number(id)}, ${n + 1}, 'R', ${this.price})`).join(",");
      await this.db.query(`INSERT INTO seats (schedule_id, seat_number, grade, price) VALUES ${values}`);
    }
    return { concertId: Number(concertId), scheduleIds };
  }

  async ensureUser(userId: number): Promise<void> {
    await this.db.query("INSERT IGNORE INTO users (id, created_at) VALUES (?, NOW(3))", { replacements: [userId] });
  }

  /** HoldSeats: `count` fresh seats of the schedule. */
  async hold(userId: number, concertId: number, scheduleId: number, count: number): Promise<number> {
    const first = this.nextSeat.get(scheduleId) ?? 1;
    this.nextSeat.set(scheduleId, first + count);
    const seats = Array.from({ length: count }, (_, i) => first + i);
    const total = seats.length * this.price;
    return this.db.transaction(async (tx) => {
      const [id] = await this.db.query(
        `INSERT INTO reservations (user_id, concert_id, schedule_id, total_price, status, held_until, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'HELD', NOW(3) + INTERVAL 5 MINUTE, NOW(3), NOW(3))`,
        { replacements: [userId, concertId, scheduleId, total], type: QueryTypes.INSERT, transaction: tx },
      );
      const reservationId = Number(id);
      await this.db.query(`INSERT INTO reservation_seats (reservation_id, schedule_id, seat_number) VALUES ${seats.map(() => "(?, ?, ?)").join(",")}`, {
        replacements: seats.flatMap((s) => [reservationId, scheduleId, s]),
        transaction: tx,
      });
      await this.db.query("UPDATE seats SET status = 'HELD', reservation_id = ? WHERE schedule_id = ? AND seat_number IN (?)", {
        replacements: [reservationId, scheduleId, seats],
        transaction: tx,
      });
      const now = timestampFromDate(new Date());
      await this.outbox.append(tx, [
        outboxEvent("reservation-events", reservationId, SeatsHeldSchema, {
          reservationId: BigInt(reservationId),
          userId: BigInt(userId),
          concertId: BigInt(concertId),
          scheduleId: BigInt(scheduleId),
          seatNumbers: seats,
          totalPrice: BigInt(total),
          heldUntil: timestampFromDate(new Date(Date.now() + 300_000)),
          occurredAt: now,
        }),
      ]);
      return reservationId;
    });
  }

  /** Pay: CONFIRMED, seats SOLD, a payment row, ReservationConfirmed + PaymentCompleted. */
  async confirm(reservationId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await this.lockHeld(reservationId, tx);
      const [paymentId] = await this.db.query("INSERT INTO payments (reservation_id, user_id, amount, paid_at) VALUES (?, ?, ?, NOW(3))", {
        replacements: [reservationId, r.user_id, r.total_price],
        type: QueryTypes.INSERT,
        transaction: tx,
      });
      await this.db.query("UPDATE reservations SET status = 'CONFIRMED', updated_at = NOW(3) WHERE id = ?", { replacements: [reservationId], transaction: tx });
      await this.db.query("UPDATE seats SET status = 'SOLD' WHERE reservation_id = ?", { replacements: [reservationId], transaction: tx });
      const common = { reservationId: BigInt(reservationId), userId: BigInt(r.user_id), concertId: BigInt(r.concert_id), scheduleId: BigInt(r.schedule_id) };
      const now = timestampFromDate(new Date());
      await this.outbox.append(tx, [
        outboxEvent("reservation-events", reservationId, ReservationConfirmedSchema, {
          ...common,
          seatNumbers: r.seats,
          totalPrice: BigInt(r.total_price),
          paymentId: BigInt(Number(paymentId)),
          occurredAt: now,
        }),
        outboxEvent("payment-events", r.user_id, PaymentCompletedSchema, {
          ...common,
          paymentId: BigInt(Number(paymentId)),
          amount: BigInt(r.total_price),
          balance: 0n,
          occurredAt: now,
        }),
      ]);
    });
  }

  /** CancelReservation or the expiry sweeper: the hold ends and its seats are free again. */
  async release(reservationId: number, how: "CANCELLED" | "EXPIRED"): Promise<void> {
    await this.db.transaction(async (tx) => {
      const r = await this.lockHeld(reservationId, tx);
      await this.db.query("UPDATE reservations SET status = ?, updated_at = NOW(3) WHERE id = ?", { replacements: [how, reservationId], transaction: tx });
      await this.db.query("UPDATE reservation_seats SET live = NULL WHERE reservation_id = ?", { replacements: [reservationId], transaction: tx });
      await this.db.query("UPDATE seats SET status = 'AVAILABLE', reservation_id = NULL WHERE reservation_id = ?", { replacements: [reservationId], transaction: tx });
      const init = {
        reservationId: BigInt(reservationId),
        userId: BigInt(r.user_id),
        concertId: BigInt(r.concert_id),
        scheduleId: BigInt(r.schedule_id),
        seatNumbers: r.seats,
        totalPrice: BigInt(r.total_price),
        occurredAt: timestampFromDate(new Date()),
      };
      await this.outbox.append(tx, [
        how === "CANCELLED"
          ? outboxEvent("reservation-events", reservationId, ReservationCancelledSchema, init)
          : outboxEvent("reservation-events", reservationId, ReservationExpiredSchema, init),
      ]);
    });
  }

  /** One client's session: hold, then pay, cancel, let expire or keep the hold, chosen by `roll` (0..1). */
  async session(userId: number, concertId: number, scheduleId: number, roll: number): Promise<void> {
    await this.ensureUser(userId);
    const id = await this.hold(userId, concertId, scheduleId, 1 + Math.floor(roll * 4));
    if (roll < 0.5) await this.confirm(id);
    else if (roll < 0.7) await this.release(id, "CANCELLED");
    else if (roll < 0.85) await this.release(id, "EXPIRED");
  }

  /** The truth the projection must match: held and sold seats and revenue per schedule, straight from the tables. */
  async truth(concertId: number): Promise<{ schedules: Map<number, { held: number; sold: number; revenue: number }>; held: number; sold: number; revenue: number }> {
    const rows = await this.db.query<{ schedule_id: number; held: string | number; sold: string | number; revenue: string | number }>(
      `SELECT sc.id AS schedule_id,
         (SELECT COUNT(*) FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id WHERE r.schedule_id = sc.id AND r.status = 'HELD') AS held,
         (SELECT COUNT(*) FROM reservation_seats rs JOIN reservations r ON r.id = rs.reservation_id WHERE r.schedule_id = sc.id AND r.status = 'CONFIRMED') AS sold,
         (SELECT COALESCE(SUM(p.amount), 0) FROM payments p JOIN reservations r ON r.id = p.reservation_id WHERE r.schedule_id = sc.id) AS revenue
       FROM schedules sc WHERE sc.concert_id = ? ORDER BY sc.id`,
      { replacements: [concertId], type: QueryTypes.SELECT },
    );
    const schedules = new Map(rows.map((r) => [Number(r.schedule_id), { held: Number(r.held), sold: Number(r.sold), revenue: Number(r.revenue) }]));
    const sum = (k: "held" | "sold" | "revenue") => [...schedules.values()].reduce((a, s) => a + s[k], 0);
    return { schedules, held: sum("held"), sold: sum("sold"), revenue: sum("revenue") };
  }

  private async lockHeld(reservationId: number, tx: import("sequelize").Transaction) {
    const [r] = await this.db.query<{ user_id: number; concert_id: number; schedule_id: number; total_price: number; status: string }>(
      "SELECT user_id, concert_id, schedule_id, total_price, status FROM reservations WHERE id = ? FOR UPDATE",
      { replacements: [reservationId], type: QueryTypes.SELECT, transaction: tx },
    );
    if (!r || r.status !== "HELD") throw new Error(`reservation ${reservationId} is not HELD`);
    const seats = await this.db.query<{ seat_number: number }>("SELECT seat_number FROM reservation_seats WHERE reservation_id = ? ORDER BY seat_number", {
      replacements: [reservationId],
      type: QueryTypes.SELECT,
      transaction: tx,
    });
    return { ...r, user_id: Number(r.user_id), concert_id: Number(r.concert_id), schedule_id: Number(r.schedule_id), total_price: Number(r.total_price), seats: seats.map((s) => s.seat_number) };
  }
}
