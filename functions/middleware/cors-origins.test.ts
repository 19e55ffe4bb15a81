import { describe, expect, it } from "vitest";
import { allowedCorsOrigin } from "./cors-origins";

const development = { ENVIRONMENT: "development" as const, CORS_ORIGINS: [] };
const configured = ["https://dashboard.acme.test"];

describe("allowedCorsOrigin in development", () => {
  it.each([
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://[::1]:5173",
    "http://localhost",
    "http://localhost:65535",
    "https://localhost:5173",
  ])("allows the loopback origin %s", (origin) => {
    expect(allowedCorsOrigin(origin, development)).toBe(origin);
  });

  it.each([
    "http://localhost.evil.com",
    "http://localhost.evil.com:5173",
    "http://127.0.0.1.nip.io",
    "http://127.0.0.1.nip.io:5173",
    "http://evil.localhost:5173",
    "http://localhost:5173.evil.com",
    "http://localhost:5173/",
    "http://localhost:5173/path",
    "http://user@localhost:5173",
    "http://localhost:65536",
    "http://localhost:05173",
    "http://localhost:",
    "http://LOCALHOST:5173",
    "http://127.0.0.2:5173",
    "http://0.0.0.0:5173",
    "ws://localhost:5173",
    "file://",
    "null",
    "",
  ])("refuses %j", (origin) => {
    expect(allowedCorsOrigin(origin, development)).toBeNull();
  });

  it("still allows the configured origins, exactly", () => {
    const env = { ...development, CORS_ORIGINS: configured };
    expect(allowedCorsOrigin("https://dashboard.acme.test", env)).toBe("https://dashboard.acme.test");
    expect(allowedCorsOrigin("https://dashboard.acme.test.evil.com", env)).toBeNull();
    expect(allowedCorsOrigin("http://localhost:3000", env)).toBe("http://localhost:3000");
  });
});

describe.each(["production", "test"] as const)("allowedCorsOrigin in %s", (ENVIRONMENT) => {
  it("allows the configured origins only, never loopback by default", () => {
    const env = { ENVIRONMENT, CORS_ORIGINS: configured };
    expect(allowedCorsOrigin("https://dashboard.acme.test", env)).toBe("https://dashboard.acme.test");
    expect(allowedCorsOrigin("http://localhost:5173", env)).toBeNull();
    expect(allowedCorsOrigin("http://127.0.0.1:5173", env)).toBeNull();
    expect(allowedCorsOrigin("null", env)).toBeNull();
    expect(allowedCorsOrigin("", { ENVIRONMENT, CORS_ORIGINS: [] })).toBeNull();
  });

  it("allows a loopback origin that is configured explicitly", () => {
    expect(allowedCorsOrigin("http://localhost:5173", { ENVIRONMENT, CORS_ORIGINS: ["http://localhost:5173"] })).toBe(
      "http://localhost:5173",
    );
  });
});
