/**
 * @module emulator/cli
 * `npm run alexa -- <command>`: a person in the Alexa app, fault injection and
 * the fake app, over the emulator's control API (see emulator/cli-parse for
 * the commands). Exits 1 on an error answer, 2 on bad usage.
 */
import type { AssistantCallView } from "./assistant.ts";
import type { DeliveryView } from "./delivery.ts";
import type { CallView } from "./emulator.ts";
import type { ListView, PersonView } from "./people.ts";
import { readFileSync } from "node:fs";
import type { VoiceTurn } from "./voice.ts";
import { type CliCall, type CliGlobals, parseCli, USAGE } from "./cli-parse.ts";

async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(parsed.message);
    return 2;
  }
  const { call, globals } = parsed;
  if (call.target === "local") return printToken(call.path);
  let path = call.path;
  if (path.includes("{personUserIds}")) {
    const person = await request(globals, { target: "emulator", method: "GET", path: `/_control/people/${encodeURIComponent(globals.person)}`, view: "json" });
    if (!person.ok) return fail(person.body);
    const p = person.body as PersonView;
    const ids = [...(p.userId ? [p.userId] : []), ...p.pastUserIds];
    if (ids.length === 0) {
      console.error(`${globals.person} has never enabled the skill, so the app has no webhooks for them`);
      return 1;
    }
    path = path.replace("{personUserIds}", ids.map((id) => `userId=${encodeURIComponent(id)}`).join("&"));
  }
  if (path.includes("{userId}")) {
    const person = await request(globals, { target: "emulator", method: "GET", path: `/_control/people/${encodeURIComponent(globals.person)}`, view: "json" });
    if (!person.ok) return fail(person.body);
    const userId = (person.body as PersonView).userId;
    if (!userId) {
      console.error(`The skill is not enabled for ${globals.person}: npm run alexa -- enable --grant read,write`);
      return 1;
    }
    path = path.replace("{userId}", encodeURIComponent(userId));
  }
  const res = await request(globals, { ...call, path });
  if (!res.ok) return fail(res.body);
  if (call.view === "userid" && !(res.body as PersonView).userId) {
    console.error(`${globals.person} has not enabled the skill, so there is no user id: npm run alexa -- enable --grant read,write`);
    return 1;
  }
  console.log(globals.json ? JSON.stringify(res.body, null, 2) : render(call.view, res.body));
  // The emulator answered, but the skill did not give Alexa a usable answer.
  if (call.view === "assistant") {
    const a = res.body as AssistantCallView;
    return a.result?.isError || a.error ? 1 : 0;
  }
  return call.view === "say" && (res.body as VoiceTurn).error !== undefined ? 1 : 0;
}

/** `token`: the API token `npm start` generated (its secrets file). */
function printToken(file: string): number {
  let token: unknown;
  try {
    token = (JSON.parse(readFileSync(file, "utf8")) as { apiToken?: unknown }).apiToken;
  } catch {
    console.error(`No ${file} here: run \`npm start\` once (from the project's folder) to create the local secrets.`);
    return 1;
  }
  if (typeof token !== "string" || token === "") {
    console.error(`${file} holds no apiToken`);
    return 1;
  }
  console.log(token);
  return 0;
}

async function request(g: CliGlobals, call: CliCall): Promise<{ ok: boolean; body: unknown }> {
  const base = call.target === "app" ? g.appUrl : g.emulatorUrl;
  let res: Response;
  try {
    res = await fetch(base + call.path, {
      method: call.method,
      ...(call.body ? { body: JSON.stringify(call.body), headers: { "content-type": "application/json" } } : {}),
    });
  } catch {
    const what = call.target === "app" ? "the fake app" : "the emulator";
    throw new Error(`Cannot reach ${what} at ${base}. Is \`npm start\` running? (--url / --app-url to point elsewhere)`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // plain text answer
  }
  return { ok: res.ok, body };
}

function fail(body: unknown): number {
  const b = body as { error?: string; message?: string; Message?: string } | null;
  console.error(b && typeof b === "object" ? `${b.error ?? "error"}: ${b.message ?? b.Message ?? JSON.stringify(b)}` : String(body));
  return 1;
}

function render(view: CliCall["view"], body: unknown): string {
  switch (view) {
    case "ok":
      return "ok";
    case "userid":
      return (body as PersonView).userId ?? "";
    case "token":
      return String(body);
    case "lists":
      return renderLists(body as ListView[]);
    case "deliveries":
      return renderDeliveries(body as DeliveryView[]);
    case "calls":
      return renderCalls(body as { counts: Record<string, number>; calls: CallView[] });
    case "status":
      return renderStatus(body as StatusBody);
    case "webhooks":
      return renderWebhooks(body as WebhooksBody);
    case "say":
      return renderTurn(body as VoiceTurn);
    case "session-end": {
      const b = body as { ended: boolean; turn?: VoiceTurn };
      return b.ended && b.turn ? `session ended (SessionEndedRequest → ${b.turn.status ?? b.turn.error})` : "(no session open)";
    }
    case "voice":
      return renderVoiceLog(body as VoiceTurn[]);
    case "assistant": {
      const a = body as AssistantCallView;
      return `${a.person} (as ${a.sub}) → ${a.tool}: ${a.result?.isError || a.error ? "[error] " : ""}${a.said}`;
    }
    case "faults":
    case "json":
      return JSON.stringify(body, null, 2);
  }
}

function renderLists(lists: ListView[]): string {
  const out: string[] = [];
  for (const l of lists) {
    out.push(`${l.name}${l.kind === "custom" ? "" : ` (${l.kind})`}${l.state === "archived" ? " [archived]" : ""}  ${l.listId}`);
    if (l.items.length === 0) out.push("  (empty)");
    for (const i of l.items) out.push(`  [${i.status === "completed" ? "x" : " "}] ${i.value}  (${i.id}, v${i.version})`);
  }
  return out.join("\n");
}

function renderDeliveries(ds: DeliveryView[]): string {
  if (ds.length === 0) return "(no deliveries)";
  return ds
    .map((d) => {
      const attempts = d.attempts.map((a) => a.status ?? "ERR").join(",") || "-";
      const extra = [d.faults.length ? `faults: ${d.faults.join(", ")}` : "", d.copyOf ? `copy of ${d.copyOf}` : ""].filter(Boolean).join("; ");
      const content = d.content === null ? "" : ` ${JSON.stringify(d.content)}`;
      return `${d.id.padEnd(5)} ${d.state.padEnd(9)} ${d.type}${content}\n      attempts: ${attempts}  user …${d.userId.slice(-8)}${extra ? `  ${extra}` : ""}`;
    })
    .join("\n");
}

function renderCalls(body: { counts: Record<string, number>; calls: CallView[] }): string {
  const lines = [`counts: ${Object.entries(body.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`];
  for (const c of body.calls) {
    lines.push(`${c.at}  ${c.api.padEnd(9)} ${c.method.padEnd(6)} ${c.status}  ${c.path}${c.fault ? `  [${c.fault}]` : ""}${c.notes ? `  ${c.notes.join("; ")}` : ""}`);
  }
  return lines.join("\n");
}

function heard(t: VoiceTurn): string {
  const r = t.request;
  if (r.type !== "IntentRequest") return r.reason ? `${r.type} (${r.reason})` : r.type;
  const slots = Object.entries(r.slots ?? {}).map(([name, s]) => {
    const values = s.resolutions?.resolutionsPerAuthority[0]?.values?.map((v) => v.value.id ?? v.value.name) ?? [];
    const resolved = s.resolutions ? (values.length ? ` → ${values.join("|")}` : " → no match") : "";
    return `${name}=${JSON.stringify(s.value)}${resolved}`;
  });
  return [r.intent, ...slots].join("  ");
}

function renderTurn(t: VoiceTurn): string {
  const lines: string[] = [];
  if (t.enabledSkill) lines.push(`(the skill was not enabled for ${t.person}: enabled it, SkillEnabled sent)`);
  lines.push(`[${heard(t)}]${t.newSession ? "" : " (in session)"}`);
  lines.push(`alexa: ${t.speech ?? "(says nothing)"}`);
  if (t.error) lines.push(`skill error: ${t.error}${t.status === null || t.error.startsWith("HTTP") ? "" : ` (HTTP ${t.status})`}`);
  if (t.error && t.response !== null && typeof t.response === "object") lines.push(`response: ${JSON.stringify(t.response).slice(0, 500)}`);
  if (t.reprompt) lines.push(`reprompt: ${t.reprompt}`);
  const card = t.card as { type?: string; title?: string; content?: string; text?: string } | null;
  if (card) lines.push(`card: ${[card.type, card.title, card.content ?? card.text].filter(Boolean).join(" | ")}`);
  if (t.sessionOpen) lines.push("(session open)");
  return lines.join("\n");
}

function renderVoiceLog(turns: VoiceTurn[]): string {
  if (turns.length === 0) return "(nothing said yet)";
  return turns
    .map((t) => {
      const said = t.utterance === null ? "" : `  "${t.utterance}"`;
      const answer = t.error ? `ERROR ${t.error}` : (t.speech ?? "(no speech)");
      return `${t.id.padEnd(5)} ${t.at}  ${t.person} ${t.locale}${said}\n      [${heard(t)}] ${t.status ?? "-"} ${answer}${t.sessionOpen ? "  (session open)" : ""}`;
    })
    .join("\n");
}

interface StatusBody {
  skill: Record<string, string>;
  people: PersonView[];
  skewMs: number;
  faults: { endpoint: unknown[]; delivery: unknown[] };
  callCounts: Record<string, number>;
}

function renderStatus(s: StatusBody): string {
  const lines = [
    `skill ${s.skill.skillId} -> ${s.skill.endpoint}`,
    `Amazon on ${s.skill.apiEndpoint} (chain ${s.skill.certUrl})`,
    `calls: ${Object.entries(s.callCounts).map(([k, v]) => `${k} ${v}`).join(", ")}; clock skew ${s.skewMs} ms`,
    `faults: ${s.faults.endpoint.length} endpoint, ${s.faults.delivery.length} delivery`,
  ];
  for (const p of s.people) {
    lines.push(
      `${p.name}: ${p.enabled ? `enabled as ${p.userId}` : "skill not enabled"}` +
        (p.enabled ? `; permissions ${p.permissions.join(",") || "none"}; ${p.linked ? "linked" : "not linked"}` : ""),
    );
  }
  return lines.join("\n");
}

interface WebhooksBody {
  stats: Record<string, number>;
  webhooks: { webhookId: string; type: string; receivedAt: string; receipts: number; data: unknown }[];
}

function renderWebhooks(b: WebhooksBody): string {
  const lines = [`stats: ${Object.entries(b.stats).map(([k, v]) => `${k} ${v}`).join(", ")}`];
  for (const w of b.webhooks) {
    lines.push(`${w.receivedAt}  ${w.type}${w.receipts > 1 ? ` (x${w.receipts})` : ""}  ${JSON.stringify(w.data)}`);
  }
  return lines.join("\n");
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
