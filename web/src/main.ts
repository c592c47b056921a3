import { ConnectError } from "@connectrpc/connect";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Concert, Schedule, Seat } from "../../gen/concert/v1/concert_pb.js";
import { SeatStatus } from "../../gen/concert/v1/concert_pb.js";
import { QueueState, type QueueTicket } from "../../gen/concert/v1/queue_pb.js";
import { ReservationStatus, type Reservation } from "../../gen/concert/v1/reservation_pb.js";
import { createApi, type Credentials } from "./api.js";
import { loadConfig, rememberJwt, subjectOf } from "./config.js";
import { h, replace, won } from "./dom.js";

// The fan's journey: concerts -> join the line (live position over a Connect server stream) ->
// seat map of a date (live status) -> hold -> pay. One file of plain DOM code, top to bottom.

const config = loadConfig();
const creds: Credentials = { jwt: config.jwt };
const api = createApi(config.apiUrl, creds);
const app = document.getElementById("app")!;
const MAX_SEATS = 4;
/** No RPC streams seat changes, so the open seat map re-reads them this often. */
const SEAT_REFRESH_MS = 2000;

const slots = {
  error: h("div"),
  concerts: h("section", { "data-testid": "concerts" }),
  queue: h("section", { "data-testid": "queue", hidden: true }),
  seats: h("section", { "data-testid": "seats", hidden: true }),
  checkout: h("section", { "data-testid": "checkout", hidden: true }),
};
app.append(slots.error, slots.concerts, slots.queue, slots.seats, slots.checkout);

const state = {
  concert: undefined as Concert | undefined,
  schedule: undefined as Schedule | undefined,
  seats: [] as Seat[],
  picked: new Set<number>(),
  reservation: undefined as Reservation | undefined,
  seatTimer: undefined as number | undefined,
};

function showError(e: unknown) {
  const msg = e instanceof ConnectError ? `${e.rawMessage} (${e.code})` : String(e);
  replace(slots.error, h("div", { class: "error", role: "alert", "data-testid": "error" }, msg));
}
const clearError = () => replace(slots.error);
const title = (step: number, text: string) => h("h2", {}, h("span", { class: "step" }, `${step}.`), text);

function renderWho() {
  const who = document.getElementById("who")!;
  const sub = subjectOf(creds.jwt);
  replace(who, sub ? `signed in as user ${sub}` : "not signed in");
}

/** Without a JWT from `npm run web`, the page asks for one (mint it with `concert-admin token mint --user <id>`). */
function askForJwt() {
  const input = h("input", { placeholder: "paste a JWT (concert-admin token mint --user 42)", "data-testid": "jwt" });
  replace(
    slots.concerts,
    title(0, "Sign in"),
    h("p", { class: "muted" }, "This page has no token. Paste a user JWT; it stays in this tab only."),
    input,
    h("div", { class: "row" }, h("button", { onclick: () => { creds.jwt = input.value.trim(); rememberJwt(creds.jwt); renderWho(); void showConcerts(); } }, "Use this token")),
  );
}

async function showConcerts() {
  clearError();
  try {
    const { concerts } = await api.concerts.listConcerts({ pageSize: 20 });
    replace(
      slots.concerts,
      title(1, "Concerts"),
      ...concerts.map((c) =>
        h("div", { class: "concert", "data-testid": "concert", "data-concert-id": String(c.id) },
          h("div", {}, h("strong", {}, c.title), h("div", { class: "muted" }, `${c.artist} · ${c.venue}`)),
          h("button", { "data-testid": "join", onclick: () => void joinLine(c) }, "Join the line")),
      ),
      concerts.length === 0 && h("p", { class: "muted" }, "No concerts yet: create one with concert-admin concerts create."),
    );
  } catch (e) {
    showError(e);
  }
}

function renderTicket(t: QueueTicket, live: boolean) {
  const name = QueueState[t.state];
  const body =
    t.state === QueueState.WAITING
      ? h("div", {}, h("div", { class: "muted" }, "Your place in line"), h("div", { class: "position", "data-testid": "position" }, String(t.position)),
          h("div", { class: "muted" }, t.estimatedWaitSeconds !== undefined && t.estimatedWaitSeconds > 0n ? `about ${t.estimatedWaitSeconds}s to go` : "waiting for admission to open"))
      : t.state === QueueState.BEFORE_OPEN
        ? h("div", {}, "Sales have not opened yet: your place is drawn at the opening.", h("div", { class: "muted" }, `Your draw nonce (keep it to check the draw): ${t.drawNonce}`))
      : t.state === QueueState.SOLD_OUT
        ? h("div", {}, "Sold out: every seat has been sold.")
      : t.state === QueueState.ACTIVE
        ? h("div", {}, h("div", {}, "You are in! Pick your seats"), t.expiresAt && h("div", { class: "muted" }, `until ${timestampDate(t.expiresAt).toLocaleTimeString()}`))
        : h("div", {}, "Your place ended; join the line again.");
  replace(
    slots.queue,
    title(2, `Waiting room — ${state.concert?.title ?? ""}`),
    h("div", { class: "queue" }, h("span", { class: `badge ${name}`, "data-testid": "queue-state" }, name), body),
    h("div", { class: "muted", "data-testid": "queue-live" }, live ? "live: updates stream from WatchQueueStatus" : ""),
  );
}

async function joinLine(c: Concert) {
  clearError();
  state.concert = c;
  slots.queue.hidden = false;
  try {
    const { ticket } = await api.queue.issueToken({ concertId: c.id });
    creds.queueToken = ticket!.token;
    renderTicket(ticket!, ticket!.state === QueueState.WAITING || ticket!.state === QueueState.BEFORE_OPEN);
    let last = ticket!;
    // The server pushes the ticket on every change and ends the stream once ACTIVE or EXPIRED.
    if (last.state === QueueState.WAITING || last.state === QueueState.BEFORE_OPEN) {
      for await (const { ticket: t } of api.queue.watchQueueStatus({})) {
        last = t!;
        renderTicket(last, last.state === QueueState.WAITING || last.state === QueueState.BEFORE_OPEN);
      }
    }
    if (last.state === QueueState.ACTIVE) await showDates();
  } catch (e) {
    showError(e);
  }
}

async function showDates() {
  slots.seats.hidden = false;
  const { schedules } = await api.concerts.listSchedules({ concertId: state.concert!.id });
  const dates = h("div", { class: "dates" },
    ...schedules.map((s) =>
      h("button", { class: "secondary", "data-testid": "date", onclick: (e) => {
        for (const b of dates.querySelectorAll("button")) b.classList.remove("selected");
        (e.currentTarget as HTMLElement).classList.add("selected");
        void openSeatMap(s);
      } }, `${s.date} · ${s.availableSeats}/${s.totalSeats} free`)),
  );
  replace(slots.seats, title(3, "Pick a date and seats"), dates, h("div", { "data-testid": "seat-map" }));
}

async function openSeatMap(s: Schedule) {
  state.schedule = s;
  state.picked.clear();
  window.clearInterval(state.seatTimer);
  await refreshSeats();
  state.seatTimer = window.setInterval(() => void refreshSeats(), SEAT_REFRESH_MS);
}

async function refreshSeats() {
  try {
    const { seats } = await api.concerts.listSeats({ scheduleId: state.schedule!.id });
    state.seats = seats;
    for (const n of [...state.picked]) if (seats.find((x) => x.number === n)?.status !== SeatStatus.AVAILABLE) state.picked.delete(n);
    renderSeatMap();
  } catch (e) {
    window.clearInterval(state.seatTimer);
    showError(e);
  }
}

function renderSeatMap() {
  const map = slots.seats.querySelector<HTMLElement>("[data-testid=seat-map]")!;
  const seatButton = (s: Seat) => {
    const status = SeatStatus[s.status];
    const picked = state.picked.has(s.number);
    return h("button", {
      class: `seat ${status} ${s.grade}${picked ? " picked" : ""}`,
      "data-testid": "seat", "data-seat": s.number, "data-status": status,
      title: `${s.grade} ${won(s.price)} — ${status.toLowerCase()}`,
      disabled: s.status !== SeatStatus.AVAILABLE || state.reservation !== undefined,
      onclick: () => {
        if (picked) state.picked.delete(s.number);
        else if (state.picked.size < MAX_SEATS) state.picked.add(s.number);
        renderSeatMap();
      },
    }, String(s.number));
  };
  const total = state.seats.filter((s) => state.picked.has(s.number)).reduce((sum, s) => sum + s.price, 0n);
  replace(
    map,
    h("div", { class: "stage" }, "STAGE"),
    h("div", { class: "seats" }, ...state.seats.map(seatButton)),
    h("div", { class: "legend" },
      h("span", { style: "--c:#ebe0ff" }, "VIP"), h("span", { style: "--c:#d9f7e3" }, "free"),
      h("span", { style: "--c:#fff4d6" }, "held"), h("span", { style: "--c:#3a3a3c" }, "sold"),
      h("span", {}, `live: re-read every ${SEAT_REFRESH_MS / 1000}s`)),
    !state.reservation && h("div", { class: "row" },
      h("span", {}, state.picked.size === 0 ? `Pick up to ${MAX_SEATS} seats` : `${state.picked.size} seat(s) · ${won(total)}`),
      h("button", { "data-testid": "hold", disabled: state.picked.size === 0, onclick: () => void hold() }, "Hold these seats")),
  );
}

async function hold() {
  clearError();
  try {
    const { reservation } = await api.reservations.holdSeats({ scheduleId: state.schedule!.id, seatNumbers: [...state.picked].sort((a, b) => a - b) });
    state.reservation = reservation;
    state.picked.clear();
    await refreshSeats();
    await showCheckout();
  } catch (e) {
    showError(e);
    await refreshSeats();
  }
}

async function showCheckout(paid?: { paymentId: bigint }) {
  const r = state.reservation!;
  slots.checkout.hidden = false;
  const { balance } = await api.payments.getBalance({});
  const short = r.totalPrice - balance;
  const heldUntil = r.heldUntil ? timestampDate(r.heldUntil).toLocaleTimeString() : "";
  replace(
    slots.checkout,
    title(4, "Pay"),
    h("div", {}, `Reservation #${r.id}: seats ${r.seatNumbers.join(", ")} · ${won(r.totalPrice)} · `,
      h("strong", { "data-testid": "reservation-status" }, ReservationStatus[r.status]),
      !paid && h("span", { class: "muted" }, ` until ${heldUntil}`)),
    h("div", { class: "muted", "data-testid": "balance" }, `Balance ${won(balance)}`),
    paid
      ? h("p", { class: "done", "data-testid": "paid" }, `Paid — payment #${paid.paymentId}. Enjoy the show!`)
      : h("div", { class: "row" },
          short > 0n && h("button", { class: "secondary", "data-testid": "top-up", onclick: () => void topUp(short) }, `Top up ${won(short)}`),
          h("button", { "data-testid": "pay", disabled: short > 0n, onclick: () => void pay() }, `Pay ${won(r.totalPrice)}`)),
  );
}

async function topUp(amount: bigint) {
  clearError();
  try {
    await api.payments.chargeBalance({ amount, idempotencyKey: crypto.randomUUID() });
    await showCheckout();
  } catch (e) {
    showError(e);
  }
}

async function pay() {
  clearError();
  try {
    // One key per click: a retry of this request after a network error is answered once (SPEC idempotency).
    const res = await api.payments.pay({ reservationId: state.reservation!.id, idempotencyKey: crypto.randomUUID() });
    state.reservation = res.reservation;
    // Paying ends the queue token, so the seat map stops re-reading and shows the seats as sold.
    window.clearInterval(state.seatTimer);
    for (const s of state.seats) if (res.reservation!.seatNumbers.includes(s.number)) s.status = SeatStatus.SOLD;
    renderSeatMap();
    await showCheckout({ paymentId: res.payment!.id });
  } catch (e) {
    showError(e);
  }
}

renderWho();
if (creds.jwt) void showConcerts();
else askForJwt();
