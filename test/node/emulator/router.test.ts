import { describe, expect, it } from "vitest";
import { Router } from "../../../emulator/router.ts";

const r = new Router()
  .on("GET", "/v2/householdlists", () => Response.json({ route: "root" }))
  .on("GET", "/v2/householdlists/:listId/:status", (_req, p) => Response.json(p))
  .on("GET", "/files/*", (_req, p) => Response.json(p));

async function get(path: string, method = "GET"): Promise<{ status: number; body: unknown } | null> {
  const res = await r.handle(new Request(`http://x${path}`, { method }));
  return res ? { status: res.status, body: await res.json() } : null;
}

describe("Router", () => {
  it("treats a trailing slash as the same resource", async () => {
    expect((await get("/v2/householdlists/"))?.body).toEqual({ route: "root" });
    expect((await get("/v2/householdlists"))?.body).toEqual({ route: "root" });
  });

  it("decodes each segment after splitting, so an encoded slash stays in its parameter", async () => {
    expect((await get("/v2/householdlists/a%2Fb%3D/active"))?.body).toEqual({ listId: "a/b=", status: "active" });
  });

  it("answers 400 for broken percent-encoding, 405 for a known path with another method, null for unknown paths", async () => {
    expect((await get("/v2/householdlists/%E0%A4%A/active"))?.status).toBe(400);
    expect((await get("/v2/householdlists", "POST"))?.status).toBe(405);
    expect(await get("/nope")).toBeNull();
  });

  it("captures the rest of the path with *", async () => {
    expect((await get("/files/a/b.pem"))?.body).toEqual({ "*": "a/b.pem" });
  });
});
