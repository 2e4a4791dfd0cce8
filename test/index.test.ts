import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("routes", () => {
  it("GET /healthz answers 200", async () => {
    const res = await exports.default.fetch("http://bridge/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("an unknown route is a JSON 404", async () => {
    const res = await exports.default.fetch("http://bridge/nope", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "NOT_FOUND" });
  });
});
