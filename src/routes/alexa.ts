/**
 * @module routes/alexa
 * `POST /alexa`: the skill endpoint. Reads the raw body once, never past the
 * cap (see {@link readBodyCapped}), verifies it with src/verifier, and only
 * then hands the envelope to `dispatchAlexaRequest`.
 *
 * Configuration (README "Configuration"): `ALEXA_SKILL_ID` (comma-separated,
 * required), and two local-only overrides for the emulator and tests:
 * `ALEXA_CERT_ORIGIN` (where chain URLs may point instead of S3) and
 * `ALEXA_EXTRA_ROOTS_PEM` (extra trust anchors, added to Amazon's; literal
 * `\n` escapes are accepted so it fits on one line in .dev.vars). Unless
 * `ENVIRONMENT` is `development` or `test`, either override makes the
 * endpoint refuse to serve (503), since it would let a non-Amazon party sign
 * requests. The legacy SHA-1
 * `Signature` header is not accepted here: Alexa has sent `Signature-256`
 * since 2022.
 *
 * Responses: verification failures are 400 `{"error": CODE}` (413 for
 * BODY_TOO_LARGE), as Amazon's certification tests expect; configuration
 * problems are 503 so Alexa retries after the fix. Each refusal is one
 * console.warn line with the code, never body content. Kept per refusal, not
 * sampled: measured in workerd it is about 2 % of a refused request's CPU
 * (instruction counts with and without it), and a certification failure is
 * debugged from exactly these lines; a flood's volume is for Workers Logs'
 * own sampling (`head_sampling_rate`) to bound, not for this code to hide.
 */
import type { Env } from "../env.ts";
import { jsonError } from "../http.ts";
import { dispatchAlexaRequest } from "../alexa-user/dispatch.ts";
import { readCapped } from "../util/read-capped.ts";
import { pemCertificates } from "../verifier/base64.ts";
import type { RequestEnvelope } from "ask-sdk-model";
import { AlexaVerificationError, verifyAlexaRequest, type VerifyOptions } from "../verifier/index.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../verifier/roots.ts";

/** Alexa request bodies are a few KiB; Amazon documents no maximum. @example await readBodyCapped(request, MAX_ALEXA_BODY_BYTES) */
export const MAX_ALEXA_BODY_BYTES = 256 * 1024;

/** What `alexaRouteConfig` decided. @example if (!cfg.ok) return jsonError(503, cfg.error); */
export type AlexaRouteConfig =
  | { ok: true; verify: Omit<VerifyOptions, "now" | "fetchCertChain"> }
  | { ok: false; error: "NOT_CONFIGURED" | "UNSAFE_CONFIGURATION"; reason: string };

let memo: { key: readonly (string | undefined)[]; config: AlexaRouteConfig } | undefined;

/** The only ENVIRONMENT values under which the local-only overrides count. */
const LOCAL_ENVIRONMENTS: ReadonlySet<string> = new Set(["development", "test"]);

/**
 * The verifier options for this deployment, or why it must not serve. Pure
 * apart from a one-entry memo (env values rarely change within an isolate).
 * @example const cfg = alexaRouteConfig(env); if (!cfg.ok) console.error(cfg.reason);
 */
export function alexaRouteConfig(env: Pick<Env, "ENVIRONMENT" | "ALEXA_SKILL_ID" | "ALEXA_CERT_ORIGIN" | "ALEXA_EXTRA_ROOTS_PEM">): AlexaRouteConfig {
  // Compared value by value (the same string objects on every request of an
  // isolate), not through a joined key that would copy the PEM each time.
  const key = [env.ENVIRONMENT, env.ALEXA_SKILL_ID, env.ALEXA_CERT_ORIGIN, env.ALEXA_EXTRA_ROOTS_PEM] as const;
  if (!memo || memo.key.some((v, i) => v !== key[i])) memo = { key, config: buildConfig(env) };
  return memo.config;
}

function buildConfig(env: Pick<Env, "ENVIRONMENT" | "ALEXA_SKILL_ID" | "ALEXA_CERT_ORIGIN" | "ALEXA_EXTRA_ROOTS_PEM">): AlexaRouteConfig {
  const certOrigin = env.ALEXA_CERT_ORIGIN?.trim() ?? "";
  const extraRoots = (env.ALEXA_EXTRA_ROOTS_PEM ?? "").replace(/\\n/g, "\n").trim();
  // Fail closed: the overrides are honoured only where ENVIRONMENT explicitly
  // says local, so a missing or misspelt ENVIRONMENT cannot open them up.
  if ((certOrigin !== "" || extraRoots !== "") && !LOCAL_ENVIRONMENTS.has(env.ENVIRONMENT ?? "")) {
    return {
      ok: false,
      error: "UNSAFE_CONFIGURATION",
      reason: `ALEXA_CERT_ORIGIN / ALEXA_EXTRA_ROOTS_PEM are local-only: set only with ENVIRONMENT=development or test (ENVIRONMENT=${env.ENVIRONMENT ?? "(unset)"})`,
    };
  }
  const skillIds = (env.ALEXA_SKILL_ID ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (skillIds.length === 0) return { ok: false, error: "NOT_CONFIGURED", reason: "ALEXA_SKILL_ID is empty" };
  if (certOrigin !== "") {
    const url = URL.parse(certOrigin);
    if (!url || url.origin === "null" || url.origin !== certOrigin.replace(/\/$/, "")) {
      return { ok: false, error: "NOT_CONFIGURED", reason: "ALEXA_CERT_ORIGIN must be an origin like http://127.0.0.1:8790" };
    }
  }
  if (extraRoots !== "" && !pemCertificates(extraRoots).some((c) => c !== null)) {
    return { ok: false, error: "NOT_CONFIGURED", reason: "ALEXA_EXTRA_ROOTS_PEM holds no PEM certificate" };
  }
  return {
    ok: true,
    verify: {
      skillIds,
      ...(certOrigin !== "" ? { certOrigin: certOrigin.replace(/\/$/, "") } : {}),
      trustedRoots: extraRoots !== "" ? [...DEFAULT_TRUSTED_ROOTS, extraRoots] : DEFAULT_TRUSTED_ROOTS,
      allowLegacySha1: false,
      maxBodyBytes: MAX_ALEXA_BODY_BYTES,
    },
  };
}

/**
 * The request body as bytes, or `null` once it exceeds `max`.
 *
 * A declared Content-Length over `max` is refused without reading. One within
 * it is read in a single native call: the HTTP layer frames the body to
 * exactly the declared length, so the read is bounded by it (and the size is
 * checked again after). Without a Content-Length (chunked), the stream is read
 * with the cap checked per chunk, and reading stops there. Why not always the
 * stream: in workerd each chunk costs a JS promise round trip, and reading a
 * ~1.3 KB Alexa body that way was about a tenth of a refused request's CPU
 * (BENCHMARKS.md). Trade-off: a `Request` built in-process with a body longer
 * than its own Content-Length header is read whole before the size check.
 * @example const body = await readBodyCapped(request, 256 * 1024);
 */
export async function readBodyCapped(request: Request, max: number): Promise<Uint8Array | null> {
  const header = request.headers.get("content-length");
  const declared = Number(header ?? "0");
  if (Number.isFinite(declared) && declared > max) {
    await request.body?.cancel();
    return null;
  }
  if (header !== null && header.trim() !== "" && Number.isSafeInteger(declared) && declared >= 0) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength <= max ? bytes : null;
  }
  return readCapped(request.body, max);
}

function refuse(status: number, code: string, detail?: string): Response {
  console.warn(`alexa: refused ${code}${detail ? ` (${detail})` : ""}`);
  return jsonError(status, code);
}

/**
 * Handles `POST /alexa`. `overrides` exist for tests (clock, downloader).
 * @example router.post("/alexa", (request, env) => handleAlexaRequest(request, env));
 */
export async function handleAlexaRequest(
  request: Request,
  env: Env,
  overrides: Pick<VerifyOptions, "now" | "fetchCertChain"> = {},
): Promise<Response> {
  const config = alexaRouteConfig(env);
  if (!config.ok) {
    console.error(`alexa: not serving: ${config.reason}`);
    return jsonError(503, config.error);
  }
  let body: Uint8Array | null;
  try {
    body = await readBodyCapped(request, MAX_ALEXA_BODY_BYTES);
  } catch {
    return refuse(400, "BODY_INVALID", "body stream failed");
  }
  if (!body) return refuse(413, "BODY_TOO_LARGE");

  let envelope;
  try {
    envelope = await verifyAlexaRequest<RequestEnvelope>({ headers: request.headers, body }, { ...config.verify, ...overrides });
  } catch (e) {
    const code = e instanceof AlexaVerificationError ? e.code : "SIGNATURE_INVALID";
    return refuse(code === "BODY_TOO_LARGE" ? 413 : 400, code, e instanceof Error ? e.message : undefined);
  }
  try {
    return await dispatchAlexaRequest(env, envelope);
  } catch (e) {
    // Verified but not handled: 503 makes Alexa redeliver rather than lose it.
    console.error("alexa: dispatch failed", e);
    return jsonError(503, "UNAVAILABLE");
  }
}
