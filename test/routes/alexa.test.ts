/**
 * POST /alexa on workerd, through the Worker's own fetch handler. Certificate
 * chains are downloaded over real HTTP from the loopback server started by
 * test/setup/alexa-cert-server.ts, whose root the Worker trusts through
 * ALEXA_EXTRA_ROOTS_PEM (see vitest.config.ts).
 */
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { importPrivateKeyPkcs8Pem, signBody } from "../../emulator/pki.ts";
import { MAX_ALEXA_BODY_BYTES, alexaRouteConfig, handleAlexaRequest, readBodyCapped } from "../../src/routes/alexa.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";

const pki = inject("alexaPki");
const CHAIN_URL = `${pki.origin}/echo.api/chain.pem`;
const SKILL = "amzn1.ask.skill.test-skill";
let leafKey: CryptoKey;

beforeAll(async () => {
  leafKey = await importPrivateKeyPkcs8Pem(pki.leafKeyPem);
});
afterEach(() => vi.restoreAllMocks());

function envelope(o: { type?: string; timestamp?: string; appId?: string; marker?: string } = {}): string {
  return JSON.stringify({
    version: "1.0",
    context: { System: { application: { applicationId: o.appId ?? SKILL }, user: { userId: "amzn1.ask.account.ROUTE" } } },
    request: {
      type: o.type ?? "LaunchRequest",
      requestId: `amzn1.echo-api.request.${o.marker ?? "r"}`,
      timestamp: o.timestamp ?? new Date().toISOString(),
      locale: "en-US",
    },
  });
}

async function signed(body: string, url = CHAIN_URL): Promise<Record<string, string>> {
  return { "content-type": "application/json", SignatureCertChainUrl: url, "Signature-256": await signBody(leafKey, body) };
}

function post(body: BodyInit | null, headers: Record<string, string>): Promise<Response> {
  return exports.default.fetch("http://bridge/alexa", { method: "POST", headers, body });
}

async function hits(path: string): Promise<number> {
  const all = (await (await fetch(`${pki.origin}/__hits`)).json()) as Record<string, number>;
  return all[path] ?? 0;
}

describe("POST /alexa, verified", () => {
  it("a signed LaunchRequest reaches dispatch and gets the skill's answer", async () => {
    const body = envelope();
    const res = await post(body, await signed(body));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { version: string; response: { outputSpeech?: unknown } };
    expect(answer.version).toBe("1.0");
    expect(answer.response.outputSpeech).toBeDefined();
  });

  it("a type with nothing to do is acknowledged by dispatch", async () => {
    const body = envelope({ type: "System.ExceptionEncountered" });
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const res = await post(body, await signed(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: "1.0", response: {} });
  });

  it("the chain is downloaded once, then served from the cache", async () => {
    const first = envelope({ marker: "cache-1" });
    await post(first, await signed(first));
    const before = await hits("/echo.api/chain.pem");
    for (const m of ["cache-2", "cache-3"]) {
      const body = envelope({ marker: m });
      expect((await post(body, await signed(body))).status).toBe(200);
    }
    expect(await hits("/echo.api/chain.pem")).toBe(before);
  });

  it("a body sent as a stream without Content-Length verifies", async () => {
    const body = envelope({ marker: "stream" });
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, 10));
        c.enqueue(bytes.subarray(10));
        c.close();
      },
    });
    const res = await exports.default.fetch(
      new Request("http://bridge/alexa", { method: "POST", headers: await signed(body), body: stream, duplex: "half" } as RequestInit),
    );
    expect(res.status).toBe(200);
  });
});

describe("POST /alexa, refused", () => {
  const expectRefusal = async (res: Response, status: number, code: string): Promise<void> => {
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: code });
  };

  it("400 with the verifier's code for each failure", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const body = envelope();
    const good = await signed(body);
    const cases: [Record<string, string>, string, string][] = [
      [{}, body, "CERT_URL_INVALID"],
      [{ SignatureCertChainUrl: CHAIN_URL }, body, "SIGNATURE_MISSING"],
      [{ SignatureCertChainUrl: CHAIN_URL, Signature: good["Signature-256"] as string }, body, "SIGNATURE_MISSING"],
      [{ ...good, SignatureCertChainUrl: "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem" }, body, "CERT_URL_INVALID"],
      [{ ...good, SignatureCertChainUrl: `${pki.origin}/echo.api/../chain.pem` }, body, "CERT_URL_INVALID"],
      [await signed(body, `${pki.origin}/echo.api/missing.pem`), body, "CERT_FETCH_FAILED"],
      [await signed(body, `${pki.origin}/echo.api/garbage.pem`), body, "CERT_INVALID"],
      [good, `${body} `, "SIGNATURE_INVALID"],
      [{ ...good, "Signature-256": "%%%" }, body, "SIGNATURE_INVALID"],
    ];
    for (const [headers, b, code] of cases) await expectRefusal(await post(b, headers), 400, code);

    for (const [b, code] of [
      ["not json", "BODY_INVALID"],
      [envelope({ timestamp: new Date(Date.now() - 200_000).toISOString() }), "TIMESTAMP_OUT_OF_RANGE"],
      [envelope({ appId: "amzn1.ask.skill.someone-else" }), "SKILL_ID_MISMATCH"],
    ] as const) {
      await expectRefusal(await post(b, await signed(b)), 400, code);
    }
  });

  it("logs one line with the code and nothing of the body", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const body = envelope({ marker: "SECRET-BODY-MARKER", appId: "amzn1.ask.skill.nope" });
    await post(body, await signed(body));
    expect(warn).toHaveBeenCalledOnce();
    const line = warn.mock.calls[0]?.join(" ") ?? "";
    expect(line).toContain("SKILL_ID_MISMATCH");
    expect(line).not.toContain("SECRET-BODY-MARKER");
    expect(line).not.toContain("\n");
  });

  it("413 for a body over 256 KiB, without downloading the chain", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const before = await hits("/echo.api/missing.pem");
    const big = "x".repeat(MAX_ALEXA_BODY_BYTES + 1);
    await expectRefusal(await post(big, await signed(big, `${pki.origin}/echo.api/missing.pem`)), 413, "BODY_TOO_LARGE");
    expect(await hits("/echo.api/missing.pem")).toBe(before);
  });

  it("413 for an endless stream without Content-Length: reading stops past the limit", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(chunk);
      },
    });
    const res = await exports.default.fetch(
      new Request("http://bridge/alexa", { method: "POST", headers: await signed("x"), body: endless, duplex: "half" } as RequestInit),
    );
    await expectRefusal(res, 413, "BODY_TOO_LARGE");
    expect(pulled * chunk.length).toBeLessThan(MAX_ALEXA_BODY_BYTES * 2);
  });

  it("only POST is routed", async () => {
    const res = await exports.default.fetch("http://bridge/alexa");
    expect(res.status).toBe(404);
  });
});

describe("readBodyCapped", () => {
  it("caps what it reads, and refuses a declared Content-Length over the cap without reading", async () => {
    expect(await readBodyCapped(new Request("http://x/", { method: "POST", body: "a".repeat(10) }), 10)).toHaveLength(10);
    expect(await readBodyCapped(new Request("http://x/", { method: "POST", body: "a".repeat(11) }), 10)).toBeNull();
    expect(await readBodyCapped(new Request("http://x/", { method: "POST" }), 10)).toHaveLength(0);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(4));
      },
    });
    const declared = new Request("http://x/", {
      method: "POST",
      body: stream,
      headers: { "content-length": "1000000" },
      duplex: "half",
    } as RequestInit);
    expect(await readBodyCapped(declared, 10)).toBeNull();
    expect(pulled).toBeLessThanOrEqual(1); // at most the stream's own priming pull
  });
});

describe("configuration", () => {
  const base = { ENVIRONMENT: "test", ALEXA_SKILL_ID: SKILL, ALEXA_CERT_ORIGIN: undefined, ALEXA_EXTRA_ROOTS_PEM: undefined };

  it("skill ids: comma-separated, trimmed; empty refuses with NOT_CONFIGURED", () => {
    const cfg = alexaRouteConfig({ ...base, ALEXA_SKILL_ID: " amzn1.ask.skill.a , amzn1.ask.skill.b,," });
    expect(cfg.ok && cfg.verify.skillIds).toEqual(["amzn1.ask.skill.a", "amzn1.ask.skill.b"]);
    for (const id of ["", " , ", undefined]) {
      expect(alexaRouteConfig({ ...base, ALEXA_SKILL_ID: id })).toMatchObject({ ok: false, error: "NOT_CONFIGURED" });
    }
  });

  it("production uses Amazon's origin and anchors only, SHA-1 off", () => {
    const cfg = alexaRouteConfig({ ...base, ENVIRONMENT: "production" });
    expect(cfg).toEqual({
      ok: true,
      verify: { skillIds: [SKILL], trustedRoots: DEFAULT_TRUSTED_ROOTS, allowLegacySha1: false, maxBodyBytes: MAX_ALEXA_BODY_BYTES },
    });
  });

  it("refuses either local-only override unless ENVIRONMENT is explicitly development or test", () => {
    for (const o of [{ ALEXA_CERT_ORIGIN: "http://127.0.0.1:8790" }, { ALEXA_EXTRA_ROOTS_PEM: pki.rootPem }]) {
      for (const environment of ["production", undefined, "", "Production", "prod", "staging", "dev"]) {
        expect(alexaRouteConfig({ ...base, ENVIRONMENT: environment, ...o }), String(environment)).toMatchObject({
          ok: false,
          error: "UNSAFE_CONFIGURATION",
        });
      }
      expect(alexaRouteConfig({ ...base, ENVIRONMENT: "development", ...o }).ok).toBe(true);
      expect(alexaRouteConfig({ ...base, ENVIRONMENT: "test", ...o }).ok).toBe(true);
    }
  });

  it("extra roots are added to Amazon's, with literal \\n escapes unfolded", () => {
    const escaped = pki.rootPem.replace(/\n/g, "\\n");
    const cfg = alexaRouteConfig({ ...base, ALEXA_EXTRA_ROOTS_PEM: escaped });
    expect(cfg.ok && cfg.verify.trustedRoots).toEqual([...DEFAULT_TRUSTED_ROOTS, pki.rootPem.trim()]);
  });

  it("refuses an extra-roots value with no certificate, and an origin that is not an origin", () => {
    expect(alexaRouteConfig({ ...base, ALEXA_EXTRA_ROOTS_PEM: "nope" })).toMatchObject({ ok: false, error: "NOT_CONFIGURED" });
    for (const origin of ["not a url", "http://127.0.0.1:8790/echo.api", "file:///tmp"]) {
      expect(alexaRouteConfig({ ...base, ALEXA_CERT_ORIGIN: origin }), origin).toMatchObject({ ok: false, error: "NOT_CONFIGURED" });
    }
    expect(alexaRouteConfig({ ...base, ALEXA_CERT_ORIGIN: "http://127.0.0.1:8790/" })).toMatchObject({
      ok: true,
      verify: { certOrigin: "http://127.0.0.1:8790" },
    });
  });

  it("the endpoint answers 503 with a logged reason when refusing to serve", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const body = envelope();
    const req = () => new Request("http://bridge/alexa", { method: "POST", body, headers: { SignatureCertChainUrl: CHAIN_URL } });
    const prod = await handleAlexaRequest(req(), { ...env, ENVIRONMENT: "production" });
    expect(prod.status).toBe(503);
    expect(await prod.json()).toEqual({ error: "UNSAFE_CONFIGURATION" });
    const empty = await handleAlexaRequest(req(), { ...env, ALEXA_SKILL_ID: "" });
    expect(empty.status).toBe(503);
    expect(await empty.json()).toEqual({ error: "NOT_CONFIGURED" });
    expect(error.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining("ENVIRONMENT=production)"),
      expect.stringContaining("ALEXA_SKILL_ID is empty"),
    ]);
  });

  it("the deployed Worker's test config is the non-production one", () => {
    expect(env.ENVIRONMENT).toBe("test");
    expect(env.ALEXA_CERT_ORIGIN).toBe(pki.origin);
    expect(env.ALEXA_EXTRA_ROOTS_PEM).toContain("\\n");
  });
});

describe("properties", () => {
  it("never answers 5xx, whatever the headers and body", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const sig = (await signed(envelope()))["Signature-256"] as string;
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(CHAIN_URL), fc.constant(sig), fc.constant(`${pki.origin}/echo.api/garbage.pem`));
    const headerName = fc.constantFrom("SignatureCertChainUrl", "Signature-256", "Signature", "Content-Type", "X-Other");
    const asciiHeader = (s: string) => [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, value.filter(asciiHeader), { maxKeys: 4 }),
        fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), fc.constant(envelope())),
        async (headers, body) => {
          const res = await post(body, headers);
          expect(res.status).toBeLessThan(500);
          expect(res.status).not.toBe(200);
          await res.arrayBuffer();
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a mutated signed request is never accepted", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const body = envelope({ marker: "mutate" });
    const headers = await signed(body);
    expect((await post(body, headers)).status).toBe(200);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const bytes = new TextEncoder().encode(body);
        const i = pos % bytes.length;
        bytes[i] = (bytes[i] as number) ^ xor;
        const res = await post(bytes, headers);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ error: "SIGNATURE_INVALID" });
      }),
      { numRuns: 50 },
    );
  });
});
