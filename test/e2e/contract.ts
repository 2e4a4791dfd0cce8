/**
 * The contract as a checker: every REST answer and every webhook body the
 * end-to-end tests see is validated (ajv, JSON Schema 2020-12) against
 * openapi.json, the document `npm run openapi` generates from the valibot
 * schemas. Objects are closed here (additionalProperties: false where the
 * document leaves them open), so a field the contract does not describe is a
 * violation too.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const DOC = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../openapi.json"), "utf8")) as Json & {
  paths: Record<string, Record<string, { responses?: Record<string, Json> }>>;
  webhooks: Record<string, unknown>;
  components: { responses: Record<string, Json>; schemas: Record<string, Json> };
};

/** additionalProperties: false on every object schema that lists properties and says nothing else. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "example" || k === "examples" ? v : closed(v);
  if (out.type === "object" && typeof out.properties === "object" && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}

export interface ContractChecker {
  /** Checks one REST answer; returns the problems (empty when it conforms). */
  response(method: string, url: string, status: number, body: unknown): string[];
  /** Checks one webhook body. */
  webhook(body: unknown): string[];
}

export function contractChecker(): ContractChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "https://alexa-list-bridge.test/openapi.json", components: closed(DOC.components) });
  const cache = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let fn = cache.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `https://alexa-list-bridge.test/openapi.json#${pointer}` });
      cache.set(pointer, fn);
    }
    return fn;
  };
  const run = (pointer: string, body: unknown, what: string): string[] => {
    const fn = validator(pointer);
    if (fn(body)) return [];
    return (fn.errors ?? []).slice(0, 5).map((e) => `${what}: ${e.instancePath || "(body)"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
  };
  const templates = Object.keys(DOC.paths).map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`) }));

  return {
    response(method, url, status, body) {
      const path = new URL(url).pathname;
      const what = `${method} ${path} → ${status}`;
      const tpl = templates.find((x) => x.re.test(path));
      if (!tpl) return [`${what}: no such path in openapi.json`];
      const op = DOC.paths[tpl.t]![method.toLowerCase()];
      if (!op) return [`${what}: method not in openapi.json`];
      let res = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`];
      if (!res) return [`${what}: status not in openapi.json`];
      let pointer = "";
      if (typeof res.$ref === "string") {
        pointer = (res.$ref as string).slice(1);
        res = DOC.components.responses[(res.$ref as string).split("/").pop()!]!;
      }
      const schema = (res.content as Record<string, { schema?: Json }> | undefined)?.["application/json"]?.schema;
      if (!schema) return body === null ? [] : [`${what}: a body the document does not describe`];
      if (typeof schema.$ref === "string") return run((schema.$ref as string).slice(1), body, what);
      if (pointer) return run(`${pointer}/content/application~1json/schema`, body, what);
      const inline = ajv.compile(closed(schema) as Json);
      return inline(body) ? [] : [`${what}: ${ajv.errorsText(inline.errors)}`];
    },
    webhook(body) {
      const type = (body as { type?: unknown } | null)?.type;
      if (typeof type !== "string" || !(type in DOC.webhooks)) return [`webhook ${String(type)}: type not in openapi.json`];
      const name = `${type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}Webhook`;
      return run(`/components/schemas/${name}`, body, `webhook ${type}`);
    },
  };
}
