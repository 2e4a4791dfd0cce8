/**
 * The verifier against real Amazon material (../shared/conformance, see its
 * README): signed requests verify at their frozen time and fail when any body
 * byte changes; Amazon's 2023 production chain validates with the default
 * anchors; the expired 2015 chain does not. Runs in Node (workerd cannot read
 * the file system); the library is the same code the Worker bundles.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AlexaVerificationError, verifyAlexaRequest, type VerifyOptions } from "../../../src/verifier/index.ts";
import { clearCertificateCache } from "../../../src/verifier/cache.ts";
import { pemCertificates } from "../../../src/verifier/base64.ts";
import { validatePath } from "../../../src/verifier/chain.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../../src/verifier/roots.ts";
import { trustStore } from "../../../src/verifier/trust.ts";
import { parseCertificate } from "../../../src/verifier/x509.ts";

const ROOT = resolve(import.meta.dirname, "../../../../shared/conformance");
const present = existsSync(ROOT);
if (!present) console.warn(`conformance material not found at ${ROOT}: skipping the real-Amazon tests`);

interface Meta {
  header: string;
  alg: string;
  freezeClockAt: string;
  certUrl?: string;
}

interface SignedCase {
  name: string;
  body: Buffer;
  signature: string;
  chain: string;
  meta: Meta;
}

function loadCases(): SignedCase[] {
  if (!present) return [];
  const dir = join(ROOT, "amazon-signed");
  return readdirSync(dir).map((name) => ({
    name,
    body: readFileSync(join(dir, name, "body.json")),
    signature: readFileSync(join(dir, name, "signature-sha1.b64"), "utf8").trim(),
    chain: readFileSync(join(dir, name, "cert-chain.pem"), "utf8"),
    meta: JSON.parse(readFileSync(join(dir, name, "meta.json"), "utf8")) as Meta,
  }));
}

const cases = loadCases();
const certUrl = (c: SignedCase): string => c.meta.certUrl ?? "https://s3.amazonaws.com/echo.api/echo-api-cert-7.pem";

function optionsFor(c: SignedCase): VerifyOptions {
  const envelope = JSON.parse(c.body.toString("utf8")) as {
    context?: { System: { application: { applicationId: string } } };
    session?: { application: { applicationId: string } };
  };
  const skillId = envelope.context?.System.application.applicationId ?? envelope.session?.application.applicationId ?? "";
  // The av-* chains end at Symantec's G4 intermediate, whose root is gone: pin it.
  const trustedRoots = c.name.startsWith("av-") ? [c.chain.slice(c.chain.indexOf("-----BEGIN CERTIFICATE-----", 10))] : undefined;
  return {
    skillIds: [skillId],
    now: () => Date.parse(c.meta.freezeClockAt),
    allowLegacySha1: true,
    fetchCertChain: async (url) => {
      expect(url).toBe(certUrl(c));
      return c.chain;
    },
    ...(trustedRoots ? { trustedRoots } : {}),
  };
}

describe.skipIf(!present)("real Amazon-signed requests", () => {
  afterEach(() => clearCertificateCache());

  it("has the three documented cases", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(["asksdk-2019-07-15", "av-2017-02-10", "av-2017-04-05-utf8"]);
  });

  for (const c of cases) {
    it(`${c.name} verifies (${c.meta.alg}, frozen at ${c.meta.freezeClockAt})`, async () => {
      const envelope = await verifyAlexaRequest(
        { headers: { SignatureCertChainUrl: certUrl(c), [c.meta.header]: c.signature }, body: new Uint8Array(c.body) },
        optionsFor(c),
      );
      expect(envelope.request.type).toMatch(/Request$/);
    });

    it(`${c.name} fails SIGNATURE_INVALID when any single body byte changes`, async () => {
      const opts = optionsFor(c);
      // Every byte position, one flipped bit each: the signature covers all of them.
      for (let i = 0; i < c.body.length; i++) {
        const mutated = new Uint8Array(c.body);
        mutated[i] = (mutated[i] as number) ^ 0x01;
        const err = await verifyAlexaRequest(
          { headers: { SignatureCertChainUrl: certUrl(c), Signature: c.signature }, body: mutated },
          opts,
        ).catch((e: unknown) => e);
        expect(err, `byte ${i}`).toBeInstanceOf(AlexaVerificationError);
        expect((err as AlexaVerificationError).code, `byte ${i}`).toBe("SIGNATURE_INVALID");
      }
      // One verify per body byte (thousands): ~2.5 s alone, more next to the e2e stacks on a 2-core CI machine.
    }, 60_000);

    it(`${c.name} is refused without allowLegacySha1 (SIGNATURE_MISSING)`, async () => {
      await expect(
        verifyAlexaRequest(
          { headers: { SignatureCertChainUrl: certUrl(c), Signature: c.signature }, body: new Uint8Array(c.body) },
          { ...optionsFor(c), allowLegacySha1: false },
        ),
      ).rejects.toMatchObject({ code: "SIGNATURE_MISSING" });
    });
  }

  it("the non-ASCII case signs the UTF-8 bytes ('Pokémon')", () => {
    const utf8 = cases.find((c) => c.name === "av-2017-04-05-utf8");
    expect(utf8?.body.toString("utf8")).toContain("Pokémon");
    expect(utf8 && utf8.body.length).toBeGreaterThan(utf8?.body.toString("utf8").length ?? 0);
  });

  it("asksdk-2019 is refused a day after its leaf expired (CERT_EXPIRED)", async () => {
    const c = cases.find((x) => x.name === "asksdk-2019-07-15") as SignedCase;
    await expect(
      verifyAlexaRequest(
        { headers: { SignatureCertChainUrl: certUrl(c), Signature: c.signature }, body: new Uint8Array(c.body) },
        { ...optionsFor(c), now: () => Date.parse("2020-05-16T12:00:00Z") },
      ),
    ).rejects.toMatchObject({ code: "CERT_EXPIRED" });
  });

  it("av-2017 with the default anchors has no trusted path (CERT_CHAIN_UNTRUSTED)", async () => {
    const c = cases.find((x) => x.name === "av-2017-02-10") as SignedCase;
    const { trustedRoots: _drop, ...opts } = optionsFor(c);
    await expect(
      verifyAlexaRequest({ headers: { SignatureCertChainUrl: certUrl(c), Signature: c.signature }, body: new Uint8Array(c.body) }, opts),
    ).rejects.toMatchObject({ code: "CERT_CHAIN_UNTRUSTED" });
  });
});

describe.skipIf(!present)("real Amazon chains", () => {
  const parse = (file: string) =>
    pemCertificates(readFileSync(join(ROOT, "amazon-chains", file), "utf8")).map((d) => parseCertificate(d as Uint8Array));
  const anchors = trustStore(DEFAULT_TRUSTED_ROOTS).anchors;

  it("parses all five default anchors", () => {
    expect(anchors).toHaveLength(5);
  });

  it("echo-api-cert-12 (2023) validates with the default anchors, stopping at Amazon Root CA 1", async () => {
    const certs = parse("echo-api-cert-12.pem");
    expect(certs).toHaveLength(4);
    const path = await validatePath(certs, anchors, Date.parse("2023-06-01T00:00:00Z"));
    expect(path.leaf.dnsNames).toEqual(["echo-api.amazon.com"]);
    // The window is the leaf's (the shortest-lived certificate on the path).
    expect(new Date(path.notBefore).toISOString()).toBe("2023-03-16T00:00:00.000Z");
    expect(new Date(path.notAfter).toISOString()).toBe("2023-12-23T23:59:59.000Z");
  });

  it("echo-api-cert-12 validates in any bundle order", async () => {
    const [leaf, m01, root1x, sfx] = parse("echo-api-cert-12.pem");
    const path = await validatePath([leaf!, sfx!, root1x!, m01!], anchors, Date.parse("2023-06-01T00:00:00Z"));
    expect(path.leaf).toBe(leaf);
  });

  it("echo-api-cert-12 without its intermediate is untrusted", async () => {
    const [leaf, , root1x, sfx] = parse("echo-api-cert-12.pem");
    await expect(validatePath([leaf!, root1x!, sfx!], anchors, Date.parse("2023-06-01T00:00:00Z"))).rejects.toMatchObject({
      code: "CERT_CHAIN_UNTRUSTED",
    });
  });

  it("echo-api-cert-12 is expired at the start of 2024", async () => {
    await expect(validatePath(parse("echo-api-cert-12.pem"), anchors, Date.parse("2024-01-01T00:00:00Z"))).rejects.toMatchObject({
      code: "CERT_EXPIRED",
    });
  });

  it("the 2015 chain fails: expired today, and untrusted even inside its validity", async () => {
    const certs = parse("echo-api-2015-expired.pem");
    await expect(validatePath(certs, anchors, Date.now())).rejects.toMatchObject({ code: "CERT_EXPIRED" });
    await expect(validatePath(certs, anchors, Date.parse("2015-06-01T00:00:00Z"))).rejects.toMatchObject({
      code: "CERT_CHAIN_UNTRUSTED",
    });
  });
});
