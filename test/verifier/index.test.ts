/**
 * verifyAlexaRequest end to end (inside workerd): headers, signatures, body,
 * timestamp, skill id, and the order in which the checks report.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearCertificateCache } from "../../src/verifier/cache.ts";
import { AlexaVerificationError, verifyAlexaRequest } from "../../src/verifier/index.ts";
import { signBody } from "../../emulator/pki.ts";
import {
  CERT_URL,
  type Chain,
  NOW,
  SKILL_ID,
  buildChain,
  codeOf,
  envelopeJson,
  iso,
  optionsFor,
  signedHeaders,
  testKeys,
} from "./fixtures.ts";

let chain: Chain;
beforeAll(async () => {
  chain = await buildChain();
});
beforeEach(() => clearCertificateCache());

describe("a valid request", () => {
  it("verifies and returns the parsed envelope", async () => {
    const body = envelopeJson();
    const opts = optionsFor(chain);
    const envelope = await verifyAlexaRequest({ headers: await signedHeaders(body), body }, opts);
    expect(envelope.request.type).toBe("IntentRequest");
    expect(envelope.context?.System?.application?.applicationId).toBe(SKILL_ID);
    expect(opts.fetchCertChain.calls).toEqual([CERT_URL]);
  });

  it("accepts Headers, lower-case record keys, Uint8Array and ArrayBuffer bodies", async () => {
    const body = envelopeJson();
    const h = await signedHeaders(body);
    const bytes = new TextEncoder().encode(body);
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    const upper = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));
    for (const req of [
      { headers: new Headers(h), body },
      { headers: lower, body: bytes },
      { headers: upper, body: new Uint8Array(bytes).buffer },
    ]) {
      await expect(verifyAlexaRequest(req, optionsFor(chain))).resolves.toMatchObject({ version: "1.0" });
    }
  });

  it("signs the exact UTF-8 bytes: multi-byte text verifies as string and as bytes", async () => {
    const body = envelopeJson({ text: "Pokémon, crème brûlée, 牛乳, 🥚🥚" });
    const headers = await signedHeaders(body);
    await expect(verifyAlexaRequest({ headers, body }, optionsFor(chain))).resolves.toBeTruthy();
    await expect(verifyAlexaRequest({ headers, body: new TextEncoder().encode(body) }, optionsFor(chain))).resolves.toBeTruthy();
    // The same text normalised differently (NFD) is different bytes.
    expect(await codeOf(verifyAlexaRequest({ headers, body: body.normalize("NFD") }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
  });

  it("a body that is a view into a larger buffer verifies over the view only", async () => {
    const body = envelopeJson();
    const bytes = new TextEncoder().encode(`xx${body}yy`);
    const view = bytes.subarray(2, bytes.length - 2);
    await expect(verifyAlexaRequest({ headers: await signedHeaders(body), body: view }, optionsFor(chain))).resolves.toBeTruthy();
  });
});

describe("1. body size", () => {
  it("BODY_TOO_LARGE over the limit, before any header check or download", async () => {
    const opts = optionsFor(chain, { maxBodyBytes: 100 });
    expect(await codeOf(verifyAlexaRequest({ headers: {}, body: "x".repeat(101) }, opts))).toBe("BODY_TOO_LARGE");
    expect(await codeOf(verifyAlexaRequest({ headers: {}, body: new Uint8Array(101) }, opts))).toBe("BODY_TOO_LARGE");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("counts UTF-8 bytes, not characters; exactly the limit is allowed", async () => {
    const body = envelopeJson({ text: "é".repeat(40) });
    const bytes = new TextEncoder().encode(body).length;
    const headers = await signedHeaders(body);
    expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain, { maxBodyBytes: bytes })))).toBe("OK");
    expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain, { maxBodyBytes: body.length })))).toBe("BODY_TOO_LARGE");
  });

  it("defaults to 256 KiB", async () => {
    const opts = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest({ headers: {}, body: new Uint8Array(256 * 1024 + 1) }, opts))).toBe("BODY_TOO_LARGE");
    expect(await codeOf(verifyAlexaRequest({ headers: {}, body: new Uint8Array(256 * 1024) }, opts))).toBe("CERT_URL_INVALID");
  });
});

describe("2. headers", () => {
  it("CERT_URL_INVALID without SignatureCertChainUrl (or with an empty one)", async () => {
    const body = envelopeJson();
    const { SignatureCertChainUrl: _u, ...noUrl } = await signedHeaders(body);
    expect(await codeOf(verifyAlexaRequest({ headers: noUrl, body }, optionsFor(chain)))).toBe("CERT_URL_INVALID");
    expect(await codeOf(verifyAlexaRequest({ headers: { ...noUrl, SignatureCertChainUrl: "" }, body }, optionsFor(chain)))).toBe(
      "CERT_URL_INVALID",
    );
  });

  it("SIGNATURE_MISSING without any signature, and for a legacy-only request by default", async () => {
    const body = envelopeJson();
    const opts = optionsFor(chain);
    expect(await codeOf(verifyAlexaRequest({ headers: { SignatureCertChainUrl: CERT_URL }, body }, opts))).toBe("SIGNATURE_MISSING");
    const legacy = await signedHeaders(body, { legacy: true });
    expect(await codeOf(verifyAlexaRequest({ headers: legacy, body }, opts))).toBe("SIGNATURE_MISSING");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("legacy SHA-1 `Signature` verifies only with allowLegacySha1", async () => {
    const body = envelopeJson();
    const legacy = await signedHeaders(body, { legacy: true });
    expect(await codeOf(verifyAlexaRequest({ headers: legacy, body }, optionsFor(chain, { allowLegacySha1: true })))).toBe("OK");
    // A SHA-256 signature placed in the SHA-1 header does not verify as SHA-1.
    const k = await testKeys();
    const wrongHash = { SignatureCertChainUrl: CERT_URL, Signature: await signBody(k.leaf.privateKey, body) };
    expect(await codeOf(verifyAlexaRequest({ headers: wrongHash, body }, optionsFor(chain, { allowLegacySha1: true })))).toBe(
      "SIGNATURE_INVALID",
    );
  });

  it("downgrade: a bad Signature-256 with a good legacy Signature fails even with allowLegacySha1", async () => {
    const body = envelopeJson();
    const k = await testKeys();
    const good1 = await signBody(k.leafSha1, body);
    const bad256 = await signBody(k.leaf.privateKey, `${body} `);
    for (const sig256 of [bad256, "", "not base64!"]) {
      const headers = { SignatureCertChainUrl: CERT_URL, Signature: good1, "Signature-256": sig256 };
      expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain, { allowLegacySha1: true })))).toBe(
        "SIGNATURE_INVALID",
      );
    }
  });

  it("a header repeated under two spellings is joined, and so never verifies", async () => {
    const body = envelopeJson();
    const h = await signedHeaders(body);
    const headers = { ...h, "signature-256": h["Signature-256"] };
    expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
  });
});

describe("6. body signature", () => {
  it("SIGNATURE_INVALID when the signature is not canonical base64", async () => {
    const body = envelopeJson();
    const good = (await signedHeaders(body))["Signature-256"] as string;
    for (const sig of ["%%%", good.slice(0, -1), `${good}=`, good.replace(/=+$/, ""), `${good.slice(0, 10)} ${good.slice(10)}`, ` ${good}`, `${good}\n`]) {
      const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": sig };
      expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain))), sig).toBe("SIGNATURE_INVALID");
    }
  });

  it("SIGNATURE_INVALID when signed by another key or over other bytes", async () => {
    const body = envelopeJson();
    const k = await testKeys();
    const other = { SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(k.other.privateKey, body) };
    expect(await codeOf(verifyAlexaRequest({ headers: other, body }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
    const h = await signedHeaders(body);
    expect(await codeOf(verifyAlexaRequest({ headers: h, body: `${body}\n` }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
  });
});

describe("7. body", () => {
  it("BODY_INVALID for signed bodies that are not a JSON envelope", async () => {
    for (const body of ["not json", "[1,2]", "null", '"x"', '{"version":"1.0"}', '{"request":"x"}', "\u00ff\u00fe"]) {
      const headers = await signedHeaders(body);
      expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain))), body).toBe("BODY_INVALID");
    }
    const notUtf8 = Uint8Array.of(0x7b, 0xff, 0x7d);
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(notUtf8), body: notUtf8 }, optionsFor(chain)))).toBe(
      "BODY_INVALID",
    );
  });
});

describe("8. timestamp", () => {
  const at = async (offsetSec: number, type?: string): Promise<string> => {
    const body = envelopeJson({ timestamp: iso(NOW + offsetSec * 1000), ...(type ? { type } : {}) });
    return codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain)));
  };

  it("interactive requests: within 150 s either way", async () => {
    expect(await at(-149)).toBe("OK");
    expect(await at(-150)).toBe("OK");
    expect(await at(-151)).toBe("TIMESTAMP_OUT_OF_RANGE");
    expect(await at(149)).toBe("OK");
    expect(await at(151)).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("skill, list and messaging events: up to 3600 s in the past, still 150 s in the future", async () => {
    for (const type of ["AlexaSkillEvent.SkillEnabled", "AlexaHouseholdListEvent.ItemsCreated", "Messaging.MessageReceived"]) {
      expect(await at(-3599, type), type).toBe("OK");
      expect(await at(-3601, type), type).toBe("TIMESTAMP_OUT_OF_RANGE");
      expect(await at(151, type), type).toBe("TIMESTAMP_OUT_OF_RANGE");
    }
    expect(await at(-3599, "Messaging.MessageReceivedX")).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("tolerances are configurable", async () => {
    const body = envelopeJson({ timestamp: iso(NOW - 200_000) });
    const headers = await signedHeaders(body);
    expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain, { timestampToleranceSec: 200 })))).toBe("OK");
  });

  it("missing or unparsable timestamps are out of range", async () => {
    for (const timestamp of [undefined, null, 1773144000000, "", "yesterday", "2031-03-10 12:00:00Z", "2031-03-10T12:00Z", "2031-02-30T12:00:00Z"]) {
      const body = envelopeJson({ timestamp });
      const code = await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain)));
      expect(code, String(timestamp)).toBe("TIMESTAMP_OUT_OF_RANGE");
    }
  });

  it("accepts offsets and fractional seconds", async () => {
    for (const timestamp of ["2031-03-10T13:00:30+01:00", "2031-03-10T12:00:00.123456Z"]) {
      const body = envelopeJson({ timestamp });
      expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain))), timestamp).toBe("OK");
    }
  });
});

describe("9. skill id", () => {
  const check = async (o: Parameters<typeof envelopeJson>[0], skillIds = [SKILL_ID]): Promise<string> => {
    const body = envelopeJson(o);
    return codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain, { skillIds })));
  };

  it("read from context.System.application, else session.application", async () => {
    expect(await check({ where: "context" })).toBe("OK");
    expect(await check({ where: "session" })).toBe("OK");
    expect(await check({ where: "both" })).toBe("OK");
    expect(await check({ where: "session", appId: "amzn1.ask.skill.other" })).toBe("SKILL_ID_MISMATCH");
    expect(await check({ where: "context", appId: "amzn1.ask.skill.other" })).toBe("SKILL_ID_MISMATCH");
  });

  it("any of several configured ids; none configured accepts nothing", async () => {
    expect(await check({ appId: "amzn1.ask.skill.b" }, ["amzn1.ask.skill.a", "amzn1.ask.skill.b"])).toBe("OK");
    expect(await check({}, [])).toBe("SKILL_ID_MISMATCH");
  });

  it("an envelope without any application id is a mismatch", async () => {
    const body = JSON.stringify({ version: "1.0", request: { type: "LaunchRequest", timestamp: iso(NOW) } });
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain)))).toBe("SKILL_ID_MISMATCH");
  });
});

describe("check order", () => {
  it("an invalid URL with a bad signature and bad body reports CERT_URL_INVALID and never downloads", async () => {
    const opts = optionsFor(chain);
    const headers = { SignatureCertChainUrl: "https://s3.amazonaws.com/echo.api/../attacker/cert.pem", "Signature-256": "AAAA" };
    expect(await codeOf(verifyAlexaRequest({ headers, body: "junk" }, opts))).toBe("CERT_URL_INVALID");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("an oversized body with every other fault reports BODY_TOO_LARGE", async () => {
    const opts = optionsFor(chain, { maxBodyBytes: 10 });
    const headers = { SignatureCertChainUrl: "http://evil/", "Signature-256": "!" };
    expect(await codeOf(verifyAlexaRequest({ headers, body: "01234567890" }, opts))).toBe("BODY_TOO_LARGE");
    expect(opts.fetchCertChain.calls).toEqual([]);
  });

  it("a missing cert URL outranks a missing signature", async () => {
    expect(await codeOf(verifyAlexaRequest({ headers: {}, body: "{}" }, optionsFor(chain)))).toBe("CERT_URL_INVALID");
  });

  it("a missing signature outranks an invalid URL", async () => {
    const headers = { SignatureCertChainUrl: "http://evil/" };
    expect(await codeOf(verifyAlexaRequest({ headers, body: "{}" }, optionsFor(chain)))).toBe("SIGNATURE_MISSING");
  });

  it("chain faults outrank signature, body, timestamp and skill faults", async () => {
    const body = '{"not":"signed"}';
    const headers = { SignatureCertChainUrl: CERT_URL, "Signature-256": "AAAA" };
    const failing = optionsFor(chain, { fetchCertChain: Object.assign(async () => Promise.reject(new Error("down")), { calls: [] }) });
    expect(await codeOf(verifyAlexaRequest({ headers, body }, failing))).toBe("CERT_FETCH_FAILED");
    expect(await codeOf(verifyAlexaRequest({ headers, body }, { ...optionsFor(chain), trustedRoots: [] }))).toBe("CERT_CHAIN_UNTRUSTED");
    expect(await codeOf(verifyAlexaRequest({ headers, body }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
  });

  it("a bad signature outranks a body that is not JSON; invalid JSON outranks the timestamp; the timestamp outranks the skill id", async () => {
    const k = await testKeys();
    const sig = async (b: string) => ({ SignatureCertChainUrl: CERT_URL, "Signature-256": await signBody(k.other.privateKey, b) });
    expect(await codeOf(verifyAlexaRequest({ headers: await sig("nope"), body: "nope" }, optionsFor(chain)))).toBe("SIGNATURE_INVALID");
    const stale = envelopeJson({ timestamp: iso(NOW - 10_000_000), appId: "amzn1.ask.skill.other" });
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(stale), body: stale }, optionsFor(chain)))).toBe(
      "TIMESTAMP_OUT_OF_RANGE",
    );
  });
});

describe("errors", () => {
  it("are AlexaVerificationError with the code in name and message", async () => {
    const err = await verifyAlexaRequest({ headers: {}, body: "" }, optionsFor(chain)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlexaVerificationError);
    expect(err).toBeInstanceOf(Error);
    expect((err as AlexaVerificationError).code).toBe("CERT_URL_INVALID");
    expect((err as AlexaVerificationError).message).toMatch(/^CERT_URL_INVALID/);
    expect((err as AlexaVerificationError).name).toBe("AlexaVerificationError");
  });

  it("a downloader that resolves with something other than text is CERT_FETCH_FAILED", async () => {
    const body = envelopeJson();
    const weird = Object.assign(async () => 42 as unknown as string, { calls: [] });
    expect(await codeOf(verifyAlexaRequest({ headers: await signedHeaders(body), body }, optionsFor(chain, { fetchCertChain: weird })))).toBe(
      "CERT_FETCH_FAILED",
    );
  });
});
