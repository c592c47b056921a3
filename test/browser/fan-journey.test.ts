import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReservationStatus, ReservationService } from "../../gen/concert/v1/reservation_pb.js";
import { QueueService } from "../../gen/concert/v1/queue_pb.js";
import { startWebServer } from "../../web/serve.js";
import { seedConcert } from "../support/booking-api.js";
import { bearer, jwtFor } from "../support/auth.js";
import { clientFor } from "../support/clients.js";
import { admit } from "../support/queue.js";
import { startTestServer, type TestServer } from "../support/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const RESULTS = join(import.meta.dirname, "..", "..", "test-results");
const FAN = 42;

/**
 * The reference web client (web/) in headless Chromium, through the fan's whole journey against a real
 * server: concerts -> line (WAITING with a live position from the WatchQueueStatus stream, then ACTIVE)
 * -> seat map with live status -> hold -> top up -> pay.
 */
describe("reference web client: the fan's journey in headless Chromium", () => {
  let server: TestServer;
  let web: Awaited<ReturnType<typeof startWebServer>>;
  let browser: Browser;
  let profile: string;
  let page: Page;
  const pageErrors: string[] = [];
  const streamCalls: Array<{ url: string; contentType?: string }> = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
    }
    server = await startTestServer();
    web = await startWebServer({ apiUrl: server.url, token: await jwtFor(FAN) });
    profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1100,1400"],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().includes("/concert.v1.QueueService/WatchQueueStatus")) streamCalls.push({ url: r.url(), contentType: r.headers()["content-type"] });
    });
    await mkdir(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const text = (selector: string) => page.$eval(selector, (el) => el.textContent ?? "");
  const waitText = (selector: string, want: string) =>
    // runs in the page, where `document` exists (the test's tsconfig has no DOM types)
    page.waitForFunction((s, w) => (globalThis as any).document.querySelector(s)?.textContent?.includes(w), { timeout: 30_000 }, selector, want);

  it("goes from the concert list through the line, the seat map and a hold to a payment", async () => {
    const { admin, concertId, scheduleId } = await seedConcert(server.url);
    // Admission paused and someone ahead in line, so the page has a real WAITING position to show.
    await admin.setQueuePolicy({ concertId: BigInt(concertId), maxActive: 0 });
    const ahead = await clientFor(QueueService, server.url, { headers: await bearer(500) }).issueToken({ concertId: BigInt(concertId) });

    await page.goto(web.url, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("[data-testid=concert]", { timeout: 30_000 });
    expect(await text("[data-testid=concert]")).toContain("Spring Tour");
    expect(await text("#who")).toContain(`user ${FAN}`);

    await page.click(`[data-concert-id="${concertId}"] [data-testid=join]`);
    await waitText("[data-testid=queue-state]", "WAITING");
    await waitText("[data-testid=position]", "2");
    expect(await text("[data-testid=queue-live]")).toContain("WatchQueueStatus");
    await page.screenshot({ path: join(RESULTS, "web-fan-journey-waiting.png") });

    // The fan ahead leaves: the stream pushes the new position without the page asking.
    await clientFor(QueueService, server.url, { headers: { ...(await bearer(500)), "x-queue-token": ahead.ticket!.token } }).leaveQueue({});
    await waitText("[data-testid=position]", "1");
    // Admission opens: the same stream says ACTIVE and the page moves on to the dates.
    await admin.setQueuePolicy({ concertId: BigInt(concertId), maxActive: 100 });
    await waitText("[data-testid=queue-state]", "ACTIVE");
    expect(streamCalls.length).toBe(1);
    expect(streamCalls[0].contentType).toBe("application/connect+json");

    await page.waitForSelector("[data-testid=date]", { timeout: 30_000 });
    await page.click("[data-testid=date]");
    await page.waitForSelector('[data-seat="3"][data-status="AVAILABLE"]', { timeout: 30_000 });

    // Another fan takes seat 7 through the API; the open seat map shows it held without a reload.
    const rival = await admit(server.url, concertId, 77);
    await clientFor(ReservationService, server.url, { headers: { ...(await bearer(77)), "x-queue-token": rival } })
      .holdSeats({ scheduleId: BigInt(scheduleId), seatNumbers: [7] });
    await page.waitForSelector('[data-seat="7"][data-status="HELD"]', { timeout: 30_000 });

    await page.click('[data-seat="3"]');
    await page.click('[data-seat="5"]');
    await page.click("[data-testid=hold]");
    await waitText("[data-testid=reservation-status]", "HELD");
    await page.waitForSelector('[data-seat="3"][data-status="HELD"]', { timeout: 30_000 });
    await page.waitForSelector('[data-seat="5"][data-status="HELD"]', { timeout: 30_000 });

    await page.waitForSelector("[data-testid=top-up]", { timeout: 30_000 });
    await page.click("[data-testid=top-up]");
    await page.waitForSelector("[data-testid=pay]:not([disabled])", { timeout: 30_000 });
    await page.click("[data-testid=pay]");
    await page.waitForSelector("[data-testid=paid]", { timeout: 30_000 });
    expect(await text("[data-testid=reservation-status]")).toBe("CONFIRMED");
    await page.waitForSelector('[data-seat="3"][data-status="SOLD"]', { timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, "web-fan-journey.png"), fullPage: true });

    // What the page showed is what the server recorded.
    const mine = await clientFor(ReservationService, server.url, { headers: await bearer(FAN) }).listMyReservations({});
    expect(mine.reservations.map((r) => [r.seatNumbers, r.status])).toEqual([[[3, 5], ReservationStatus.CONFIRMED]]);
    expect(await page.$("[data-testid=error]")).toBeNull();
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
