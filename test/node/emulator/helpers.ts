/**
 * Shared helpers for the emulator's unit tests: one test PKI per process (RSA
 * key generation is slow), a fake skill endpoint behind an injected `fetch`
 * (no sockets), and polling for asynchronous deliveries.
 */
import { eventually } from "../../../scripts/lib/eventually.ts";
import { AlexaEmulator, type EmulatorOptions } from "../../../emulator/emulator.ts";
import { createTestPki, type TestPki } from "../../../emulator/pki.ts";

let pki: Promise<TestPki> | null = null;
/** The process-wide test PKI. */
export function testPki(): Promise<TestPki> {
  pki ??= createTestPki();
  return pki;
}

export const ORIGIN = "http://emulator.test";
export const SKILL = "http://skill.test/alexa";

export interface SkillRequest {
  headers: Headers;
  body: string;
  json: {
    context: { System: Record<string, unknown> & { user: Record<string, unknown>; apiAccessToken: string; apiEndpoint: string } };
    request: Record<string, unknown> & { type: string; requestId: string; timestamp: string };
  };
}

/**
 * A fake skill: records every request the emulator sends and answers with
 * `respond` (default 200 `{"version":"1.0","response":{}}`).
 */
export class FakeSkill {
  readonly requests: SkillRequest[] = [];
  respond: (req: SkillRequest, n: number) => Promise<Response> | Response = () => Response.json({ version: "1.0", response: {} });

  readonly fetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== SKILL) throw new Error(`unexpected fetch to ${url}`);
    const body = String(init?.body ?? "");
    const req: SkillRequest = { headers: new Headers(init?.headers), body, json: JSON.parse(body) as SkillRequest["json"] };
    this.requests.push(req);
    const signal = init?.signal;
    const answer = this.respond(req, this.requests.length);
    if (!signal) return answer;
    // Honour aborts (the emulator's timeout) even while `respond` is pending.
    return Promise.race([
      answer,
      new Promise<Response>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
    ]);
  };

  types(): string[] {
    return this.requests.map((r) => r.json.request.type);
  }

  ofType(type: string): SkillRequest[] {
    return this.requests.filter((r) => r.json.request.type === type);
  }
}

/**
 * An emulator wired to a fake skill, with millisecond retries.
 * @example const { emu, skill } = await emulatorWithSkill();
 */
export async function emulatorWithSkill(
  opts: Partial<EmulatorOptions> = {},
): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const skill = new FakeSkill();
  const emu = await AlexaEmulator.create({
    origin: ORIGIN,
    skillEndpoint: SKILL,
    pki: await testPki(),
    fetch: skill.fetch,
    retry: { baseMs: 5, maxDelayMs: 40, eventWindowMs: 60_000 },
    ...opts,
  });
  return { emu, skill };
}

/** Polls `check` every 5 ms until it returns a truthy value (or throws after `timeoutMs`: 30 s by default, for a loaded machine; it returns as soon as the value is there). */
export function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 30_000, what = "condition"): Promise<NonNullable<T>> {
  return eventually(what, check, timeoutMs, 5);
}

/** A request to the emulator's own routes. */
export function call(
  emu: AlexaEmulator,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  let body: string | undefined;
  if (opts.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.body);
  }
  return emu.fetch(new Request(ORIGIN + path, { method, headers, ...(body === undefined ? {} : { body }) }));
}

/** Enables alice with list permissions and returns her user id and a valid apiAccessToken. */
export async function enabledAlice(emu: AlexaEmulator, skill: FakeSkill): Promise<{ userId: string; token: string }> {
  const userId = emu.enable("alice", { permissions: ["read", "write"] }).userId as string;
  const req = await waitFor(() => skill.ofType("AlexaSkillEvent.SkillPermissionAccepted")[0], 30_000, "permission event");
  return { userId, token: req.json.context.System.apiAccessToken };
}
