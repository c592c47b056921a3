import { describe, expect, it } from "vitest";
import { ConfigError, DEV_AUTH_JWT_SECRET, DEV_QUEUE_TOKEN_SECRET, loadConfig } from "../../server/config/config.js";

const strong = "s".repeat(40);

describe("configuration profiles (SPEC section 1)", () => {
  it("has the SPEC's local defaults", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      appEnv: "local",
      port: 8080,
      databaseUrl: "mysql://root@127.0.0.1:3306/concert",
      databaseReadUrls: [],
      redisUrl: "redis://127.0.0.1:6379",
      kafkaBrokers: ["127.0.0.1:9092"],
      holdTtlSeconds: 300,
      queueActiveTtlSeconds: 1800,
      queueMaxActive: 100,
      corsOrigins: ["*"],
    });
    expect(c.authJwtSecret).toBe(DEV_AUTH_JWT_SECRET);
  });

  it("refuses to start in production with missing secrets and names each", () => {
    expect(() => loadConfig({ APP_ENV: "production" })).toThrowError(ConfigError);
    try {
      loadConfig({ APP_ENV: "production" });
    } catch (e) {
      expect((e as Error).message).toMatch(/AUTH_JWT_SECRET is required/);
      expect((e as Error).message).toMatch(/QUEUE_TOKEN_SECRET is required/);
    }
  });

  it("refuses the dev default secrets in production and says which", () => {
    expect(() => loadConfig({ APP_ENV: "production", AUTH_JWT_SECRET: DEV_AUTH_JWT_SECRET, QUEUE_TOKEN_SECRET: strong })).toThrowError(
      /AUTH_JWT_SECRET is the dev default/,
    );
    expect(() => loadConfig({ APP_ENV: "production", AUTH_JWT_SECRET: strong, QUEUE_TOKEN_SECRET: DEV_QUEUE_TOKEN_SECRET })).toThrowError(
      /QUEUE_TOKEN_SECRET is the dev default/,
    );
  });

  it("starts in production with real secrets and no cross-origin calls unless CORS_ORIGINS is set", () => {
    const c = loadConfig({ APP_ENV: "production", AUTH_JWT_SECRET: strong, QUEUE_TOKEN_SECRET: strong + "q" });
    expect(c.corsOrigins).toEqual([]);
    const withCors = loadConfig({ APP_ENV: "production", AUTH_JWT_SECRET: strong, QUEUE_TOKEN_SECRET: strong, CORS_ORIGINS: "https://a.example, https://b.example" });
    expect(withCors.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
  });

  it("rejects malformed numbers and unknown profiles with the variable's name", () => {
    expect(() => loadConfig({ HOLD_TTL_SECONDS: "five" })).toThrowError(/HOLD_TTL_SECONDS/);
    expect(() => loadConfig({ PORT: "70000" })).toThrowError(/PORT/);
    expect(() => loadConfig({ APP_ENV: "staging" })).toThrowError(/APP_ENV/);
  });

  it("reads OUTBOX_MAX_ATTEMPTS (default 20) and the seat drift check's interval and batch (0 turns the check off)", () => {
    const c = loadConfig({});
    expect(c.events.relay.maxAttempts).toBeUndefined(); // the relay's default, 20 (DEFAULT_RELAY_OPTIONS)
    expect(c.seatDrift).toEqual({ checkSeconds: 60, schedulesPerTick: 20 });
    const set = loadConfig({ OUTBOX_MAX_ATTEMPTS: "3", SEAT_DRIFT_CHECK_SECONDS: "0", SEAT_DRIFT_CHECK_SCHEDULES: "5" });
    expect(set.events.relay.maxAttempts).toBe(3);
    expect(set.seatDrift).toEqual({ checkSeconds: 0, schedulesPerTick: 5 });
    expect(() => loadConfig({ OUTBOX_MAX_ATTEMPTS: "0" })).toThrowError(/OUTBOX_MAX_ATTEMPTS/);
    expect(() => loadConfig({ SEAT_DRIFT_CHECK_SECONDS: "-1" })).toThrowError(/SEAT_DRIFT_CHECK_SECONDS/);
  });
});
