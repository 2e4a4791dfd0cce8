/**
 * The published package as a user gets it: `npm pack` (prepack builds dist/),
 * installed offline into a scratch project in a temp dir, both entry points
 * imported by plain Node (no TypeScript loader), and a strict NodeNext
 * consumer type-checked against the shipped .d.ts (skipLibCheck off).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let dir: string;
let files: string[];
let app: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alb-pack-"));
  const out = execFileSync(npm, ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  files = packed!.files.map((f) => f.path);
  app = join(dir, "app");
  mkdirSync(app);
  // The package's own dependencies come from this checkout's node_modules, so the offline
  // install needs no registry metadata (a fresh machine's npm cache holds only tarballs).
  const deps = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> }).dependencies ?? {};
  const local = Object.fromEntries(Object.keys(deps).map((name) => [name, `file:${join(ROOT, "node_modules", name)}`]));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: local }));
  execFileSync(npm, ["install", join(dir, packed!.filename), "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, stdio: "pipe" });
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("ships the built entry points, the contract and the docs, and no tests, benchmarks, fixtures or sources", () => {
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "CHANGELOG.md", "openapi.json", "dist/client/index.js", "dist/client/index.d.ts", "dist/verifier/index.js", "dist/verifier/index.d.ts"]));
    const stray = files.filter((f) => /^(test|bench|emulator|scripts|skill-package|src)\//.test(f) || /fixture|\.test\.|(?<!\.d)\.ts$/.test(f));
    expect(stray).toEqual([]);
  });

  it("imports under plain Node (no TypeScript loader)", () => {
    const script = `
      const client = await import("alexa-list-bridge/client");
      const verifier = await import("alexa-list-bridge/verifier");
      const r = new client.WebhookReceiver("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      console.log(JSON.stringify([typeof client.BridgeClient, typeof verifier.verifyAlexaRequest, typeof r.verify]));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: app, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    expect(JSON.parse(out)).toEqual(["function", "function", "function"]);
  });

  it("type-checks a strict NodeNext consumer without ask-sdk-model", { timeout: 180_000 }, () => {
    writeFileSync(
      join(app, "consumer.ts"),
      `import { BridgeClient, BridgeApiError, WebhookReceiver, type Operation, type WebhookEvent } from "alexa-list-bridge/client";
import { verifyAlexaRequest, AlexaVerificationError, type AlexaRequestEnvelope } from "alexa-list-bridge/verifier";

export async function demo(body: string, headers: Headers): Promise<string> {
  const bridge = new BridgeClient({ baseUrl: "https://bridge.example", token: "t" });
  const op: Operation = await bridge.createItem("amzn1.ask.account.X", "shopping", { value: "milk", appItemId: "a1" });
  // @ts-expect-error: the body is checked (status is "active" | "completed")
  await bridge.updateItem("u", "todo", "a1", { status: "done" });
  const event: WebhookEvent = await new WebhookReceiver("whsec_abc").verify(body, headers);
  if (event.type === "alexa.list.items.created") return event.data.items.map((i) => i.value).join(",");
  if (event.type === "outbox.failed") return event.data.reason;
  try {
    const envelope: AlexaRequestEnvelope = await verifyAlexaRequest({ headers, body }, { skillIds: ["amzn1.ask.skill.1"] });
    return envelope.request.type + op.status;
  } catch (e) {
    if (e instanceof AlexaVerificationError) return e.code;
    if (e instanceof BridgeApiError) return e.fields.map((f) => f.path).join();
    throw e;
  }
}
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, lib: ["ES2024", "DOM"], types: [] },
        files: ["consumer.ts"],
      }),
    );
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe("");
    // With Node's own types instead of the DOM library, as a Node backend would have them.
    mkdirSync(join(app, "node_modules/@types"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules/@types/node"), join(app, "node_modules/@types/node"), "dir");
    writeFileSync(
      join(app, "tsconfig.node.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, lib: ["ES2024"], types: ["node"] },
        files: ["consumer.ts"],
      }),
    );
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.node.json"], { cwd: app, encoding: "utf8", stdio: "pipe" });
      output = "";
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe("");
  });
});
