/**
 * @module scripts/skill-package/build
 * `npm run skill-package`: writes the Alexa skill package (ASK CLI layout,
 * skill-package/) from its sources: the per-locale words in
 * scripts/skill-package/models/, the voice contract (src/voice/intents.ts:
 * intents, slots, locales) and the shared vocabulary (src/voice/vocabulary.ts:
 * the LIST_ITEM and LIST_NAME values). The generated files are committed;
 * edit the sources and run this again, never the JSON.
 *
 *   npm run skill-package -- --endpoint https://my-worker.example.workers.dev/alexa
 *   npm run skill-package                  keeps the endpoint already in skill.json
 *   npm run skill-package -- --check       writes nothing; exit 1 if a committed file is stale
 *   npm run skill-package -- --lists household   also the legacy household list events and permissions
 *
 * Output is deterministic (2-space JSON, trailing newline), so `--check` can
 * compare bytes. Exit codes: 0 done / up to date, 1 stale (`--check`), 2 bad
 * arguments or an endpoint Alexa would not call.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { v1 } from "ask-smapi-model";
import {
  BUILT_IN_INTENTS,
  type BuiltInIntentName,
  CUSTOM_INTENTS,
  type CustomIntentName,
  DEFAULT_LIST_IDS,
  type Locale,
  LOCALES,
  SlotType,
} from "../../src/voice/intents.ts";
import { ITEM_WORDS, LIST_SYNONYMS } from "../../src/voice/vocabulary.ts";
import { model as deDE } from "./models/de-DE.ts";
import { model as enGB } from "./models/en-GB.ts";
import { model as enUS } from "./models/en-US.ts";

type SkillManifestEnvelope = v1.skill.Manifest.SkillManifestEnvelope;
type InteractionModelData = v1.skill.interactionModel.InteractionModelData;
type AccountLinkingRequest = v1.skill.accountLinking.AccountLinkingRequest;
type EventNameType = v1.skill.Manifest.EventNameType;
type PermissionName = v1.skill.Manifest.PermissionName;

/** One locale's words (scripts/skill-package/models/<locale>.ts). */
export interface LocaleModel {
  /** Lower case, two words or more, no launch or wake words (Amazon's invocation-name rules). */
  invocationName: string;
  /**
   * Sample utterances per intent, slots as `{slotName}` (the slot names of
   * CUSTOM_INTENTS). Every custom intent has its own; built-in intents may add
   * a few to Amazon's.
   */
  samples: { readonly [I in CustomIntentName]: readonly string[] } & {
    readonly [I in BuiltInIntentName]?: readonly string[];
  };
  /** The skill store's texts for this locale (skill.json publishingInformation). */
  publishing: {
    name: string;
    summary: string;
    description: string;
    /** At most 3; each ends in a sample utterance, with values for its slots. */
    examplePhrases: readonly string[];
    keywords: readonly string[];
  };
}

export const MODELS: Readonly<Record<Locale, LocaleModel>> = { "en-US": enUS, "en-GB": enGB, "de-DE": deDE };

/** The endpoint skill.json gets until someone passes `--endpoint`. */
export const PLACEHOLDER_ENDPOINT = "https://alexa-list-bridge.example.workers.dev/alexa";

/** Where the generated files go, relative to the repository root. */
export const PACKAGE_DIR = "skill-package";

/** Skill events the bridge handles (src/skill); always subscribed. */
export const SKILL_EVENTS = [
  "SKILL_ENABLED",
  "SKILL_DISABLED",
  "SKILL_ACCOUNT_LINKED",
  "SKILL_PERMISSION_ACCEPTED",
  "SKILL_PERMISSION_CHANGED",
] as const satisfies readonly EventNameType[];

/**
 * `--lists household`: the Alexa household list events and permissions (the
 * List Management API path). Amazon closed it to third parties on July 1, 2024
 * ("you will no longer be able to use List skills or the List Management REST
 * API to access Alexa lists"); it stays for the emulator and for accounts that
 * still have access. The default, `--lists skill`, keeps the lists in the skill
 * and asks for no list permission.
 */
export const HOUSEHOLD_LIST_EVENTS = [
  "ITEMS_CREATED",
  "ITEMS_UPDATED",
  "ITEMS_DELETED",
  "LIST_CREATED",
  "LIST_UPDATED",
  "LIST_DELETED",
] as const satisfies readonly EventNameType[];
export const HOUSEHOLD_LIST_PERMISSIONS = [
  "alexa::household:lists:read",
  "alexa::household:lists:write",
] as const satisfies readonly PermissionName[];

export type ListsMode = "skill" | "household";

export interface BuildOptions {
  /** HTTPS URI of the Worker's POST /alexa route (skill requests and events). */
  endpoint: string;
  lists: ListsMode;
}

const SLOT_REF = /\{([^{}]*)\}/g;

/** The slot names a sample refers to, in order (`"add {items} to my {list} list"` → items, list). */
export function sampleSlots(sample: string): string[] {
  return [...sample.matchAll(SLOT_REF)].map((m) => m[1] ?? "");
}

/** Amazon's phrase slot type: a sample must carry words besides it. */
export const PHRASE_SLOT_TYPE = "AMAZON.SearchQuery";
/** Characters of a slot value or synonym, at most (Amazon's model build). */
export const MAX_SLOT_VALUE_LENGTH = 140;

/**
 * What a model gets wrong that Alexa would reject or misread when building it
 * (undeclared or unused slots, a slot twice in a sample, a sample twice or in
 * two intents, a sample that is only a phrase slot, an invocation name with
 * other characters than lowercase letters, spaces, periods and apostrophes).
 * The build refuses a model with problems; the tests check the generated files
 * in more depth. `declared`: the intents' slots (the voice contract's unless a
 * test passes others).
 * @example modelProblems("en-US", MODELS["en-US"]) // []
 */
export function modelProblems(
  locale: Locale,
  model: LocaleModel,
  declared: Readonly<Record<string, Readonly<Record<string, string>>>> = CUSTOM_INTENTS,
): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  const invocation = model.invocationName;
  if (!/^[\p{Ll}][\p{Ll} .']*$/u.test(invocation) || invocation.trim().split(/\s+/).length < 2) {
    problems.push(`${locale}: invocation name "${invocation}" must be two or more words of lowercase letters, spaces, periods and apostrophes`);
  }
  const samplesOf = model.samples as Readonly<Record<string, readonly string[] | undefined>>;
  const intents: [string, Record<string, string>, readonly string[]][] = [
    ...Object.keys(declared).map((name) => [name, declared[name], samplesOf[name] ?? []] as [string, Record<string, string>, readonly string[]]),
    ...BUILT_IN_INTENTS.map((name) => [name, {}, model.samples[name] ?? []] as [string, Record<string, string>, readonly string[]]),
  ];
  for (const [name, slots, samples] of intents) {
    const used = new Set<string>();
    for (const sample of samples) {
      const refs = sampleSlots(sample);
      for (const ref of refs) {
        if (!(ref in slots)) problems.push(`${locale} ${name}: "${sample}" uses {${ref}}, which ${name} does not declare`);
        used.add(ref);
      }
      if (new Set(refs).size !== refs.length) problems.push(`${locale} ${name}: "${sample}" uses a slot twice`);
      const only = /^\{([^{}]*)\}$/.exec(sample.trim());
      if (only && slots[only[1]!] === PHRASE_SLOT_TYPE) {
        problems.push(`${locale} ${name}: "${sample}" is only a phrase slot (${PHRASE_SLOT_TYPE} needs a carrier phrase)`);
      }
      const key = sample.toLowerCase();
      const first = owner.get(key);
      if (first === name) problems.push(`${locale} ${name}: "${sample}" appears twice`);
      else if (first) problems.push(`${locale}: "${sample}" is a sample of both ${first} and ${name}`);
      else owner.set(key, name);
    }
    for (const slot of Object.keys(slots)) {
      if (!used.has(slot)) problems.push(`${locale} ${name}: no sample uses {${slot}}`);
    }
  }
  return problems;
}

/**
 * Slot values or synonyms longer than Amazon's build accepts.
 * @example slotValueProblems("en-US", [{ name: "LIST_ITEM", values: ["milk"] }]) // []
 */
export function slotValueProblems(locale: Locale, types: readonly { name: string; values: readonly string[] }[]): string[] {
  return types.flatMap((t) =>
    t.values
      .filter((v) => v.length > MAX_SLOT_VALUE_LENGTH)
      .map((v) => `${locale} ${t.name}: "${v.slice(0, 40)}…" has ${v.length} characters, at most ${MAX_SLOT_VALUE_LENGTH} are allowed`),
  );
}

/** Values in order, each once (case-insensitive): Alexa refuses duplicate slot values. */
function unique(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** skill-package/interactionModels/custom/<locale>.json */
export function interactionModel(locale: Locale): InteractionModelData {
  const model = MODELS[locale];
  const problems = modelProblems(locale, model);
  if (problems.length > 0) throw new Error(`scripts/skill-package/models/${locale}.ts:\n  ${problems.join("\n  ")}`);
  const custom = (Object.keys(CUSTOM_INTENTS) as CustomIntentName[]).map((name) => ({
    name,
    slots: Object.entries(CUSTOM_INTENTS[name] as Record<string, string>).map(([slot, type]) => ({ name: slot, type })),
    samples: [...model.samples[name]],
  }));
  const builtIn = BUILT_IN_INTENTS.map((name) => ({ name, samples: [...(model.samples[name] ?? [])] }));
  const synonyms = LIST_SYNONYMS[locale];
  const tooLong = slotValueProblems(locale, [
    { name: SlotType.item, values: ITEM_WORDS[locale] },
    { name: SlotType.list, values: [...synonyms.shopping, ...synonyms.todo] },
  ]);
  if (tooLong.length > 0) throw new Error(`src/voice/vocabulary.ts:\n  ${tooLong.join("\n  ")}`);
  const listName = (id: string, names: readonly string[]) => {
    const [value, ...rest] = unique(names);
    if (!value) throw new Error(`src/voice/vocabulary.ts: LIST_SYNONYMS["${locale}"].${id} is empty`);
    return { id, name: { value, synonyms: rest } };
  };
  return {
    interactionModel: {
      languageModel: {
        invocationName: model.invocationName,
        intents: [...custom, ...builtIn],
        types: [
          {
            name: SlotType.item,
            values: unique(ITEM_WORDS[locale]).map((value) => ({ name: { value, synonyms: [] } })),
          },
          {
            name: SlotType.list,
            values: [
              listName(DEFAULT_LIST_IDS.shopping, synonyms.shopping),
              listName(DEFAULT_LIST_IDS.todo, synonyms.todo),
            ],
          },
        ],
      },
    },
  } satisfies InteractionModelData;
}

/** skill-package/skill.json */
export function skillManifest({ endpoint, lists }: BuildOptions): SkillManifestEnvelope {
  // workers.dev serves every Worker under one wildcard certificate.
  const uri = { uri: endpoint, sslCertificateType: "Wildcard" } as const;
  const household = lists === "household";
  return {
    manifest: {
      manifestVersion: "1.0",
      publishingInformation: {
        locales: Object.fromEntries(
          LOCALES.map((locale) => {
            const p = MODELS[locale].publishing;
            return [
              locale,
              {
                name: p.name,
                summary: p.summary,
                description: p.description,
                examplePhrases: [...p.examplePhrases],
                keywords: [...p.keywords],
              },
            ];
          }),
        ),
        isAvailableWorldwide: false,
        distributionCountries: ["US", "GB", "DE"],
        distributionMode: "PUBLIC",
        category: "TO_DO_LISTS_AND_NOTES",
        testingInstructions:
          "Link an account of the list app first (account linking, auth code grant). Then say, for example: " +
          `"Alexa, ask ${MODELS["en-US"].invocationName} to add milk and eggs to my shopping list", ` +
          `"Alexa, ask ${MODELS["en-US"].invocationName} to read my shopping list". The skill keeps its own lists ` +
          "and does not use the Alexa shopping and to-do lists.",
      },
      privacyAndCompliance: {
        allowsPurchases: false,
        usesPersonalInfo: true,
        isChildDirected: false,
        isExportCompliant: true,
        containsAds: false,
        locales: Object.fromEntries(
          LOCALES.map((locale) => [
            locale,
            { privacyPolicyUrl: "https://example.com/privacy", termsOfUseUrl: "https://example.com/terms" },
          ]),
        ),
      },
      ...(household ? { permissions: HOUSEHOLD_LIST_PERMISSIONS.map((name) => ({ name })) } : {}),
      events: {
        endpoint: { ...uri },
        subscriptions: [...SKILL_EVENTS, ...(household ? HOUSEHOLD_LIST_EVENTS : [])].map((eventName) => ({ eventName })),
      },
      apis: { custom: { endpoint: { ...uri } } },
    },
  } satisfies SkillManifestEnvelope;
}

/**
 * skill-package/accountLinking.json: a placeholder for the app's OAuth server,
 * applied with `ask smapi update-account-linking-info` (see skill-package/README.md).
 * No client secret: add it when applying, never commit it.
 */
export function accountLinking(): AccountLinkingRequest {
  return {
    accountLinkingRequest: {
      type: "AUTH_CODE",
      authorizationUrl: "https://app.example.com/oauth/authorize",
      accessTokenUrl: "https://app.example.com/oauth/token",
      clientId: "alexa-list-bridge.example.com",
      scopes: ["lists"],
      domains: [],
      accessTokenScheme: "HTTP_BASIC",
      defaultTokenExpirationInSeconds: 3600,
      skipOnEnablement: false,
    },
  } satisfies AccountLinkingRequest;
}

/** 2-space JSON with a trailing newline: the only format the generated files have. */
export function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every generated file: path relative to the repository root → content. */
export function generate(options: BuildOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set(`${PACKAGE_DIR}/skill.json`, render(skillManifest(options)));
  for (const locale of LOCALES) {
    files.set(`${PACKAGE_DIR}/interactionModels/custom/${locale}.json`, render(interactionModel(locale)));
  }
  files.set(`${PACKAGE_DIR}/accountLinking.json`, render(accountLinking()));
  return files;
}

/**
 * Why Alexa would not call this endpoint, or null: it must be an absolute
 * https URL on port 443 without credentials.
 */
export function endpointProblem(endpoint: string): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `not a URL: "${endpoint}"`;
  }
  if (url.protocol !== "https:") return `Alexa only calls https endpoints, got "${endpoint}"`;
  if (url.port !== "" && url.port !== "443") return `Alexa only calls port 443, got "${endpoint}"`;
  if (url.username || url.password) return `the endpoint must not carry credentials: "${endpoint}"`;
  return null;
}

/** The endpoint in the committed skill.json, or the placeholder when there is none yet. */
export function currentEndpoint(root: string): string {
  const file = join(root, PACKAGE_DIR, "skill.json");
  if (!existsSync(file)) return PLACEHOLDER_ENDPOINT;
  const manifest = JSON.parse(readFileSync(file, "utf8")) as SkillManifestEnvelope;
  const uri = manifest.manifest?.apis?.custom?.endpoint?.uri;
  if (typeof uri !== "string") throw new Error(`${PACKAGE_DIR}/skill.json has no apis.custom.endpoint.uri`);
  return uri;
}

/** The generated files whose committed copy differs or is missing. */
export function staleFiles(root: string, files: Map<string, string>): string[] {
  return [...files]
    .filter(([path, content]) => {
      const file = join(root, path);
      return !existsSync(file) || readFileSync(file, "utf8") !== content;
    })
    .map(([path]) => path);
}

export interface CliOptions {
  endpoint: string | null;
  lists: ListsMode;
  check: boolean;
}

const USAGE =
  "usage: npm run skill-package -- [--endpoint https://<worker>/alexa] [--lists skill|household] [--check]";

/** Reads the command line; an error message for anything it does not know. */
export function parseArgs(argv: readonly string[]): CliOptions | { error: string } {
  const options: CliOptions = { endpoint: null, lists: "skill", check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const [name, inline] = arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string | null => inline ?? (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--") ? argv[++i]! : null);
    if (name === "--check" && inline === undefined) options.check = true;
    else if (name === "--endpoint") {
      const v = value();
      if (!v) return { error: "--endpoint needs a URL" };
      const problem = endpointProblem(v);
      if (problem) return { error: `--endpoint: ${problem}` };
      options.endpoint = v;
    } else if (name === "--lists") {
      const v = value();
      if (v !== "skill" && v !== "household") return { error: `--lists is "skill" or "household", got ${v ?? "nothing"}` };
      options.lists = v;
    } else return { error: `unknown argument: ${arg}` };
  }
  return options;
}

export interface CliIo {
  /** Repository root (the directory holding skill-package/). */
  root: string;
  log: (line: string) => void;
  error: (line: string) => void;
}

/** The CLI; returns the exit code. */
export function main(argv: readonly string[], io: CliIo): number {
  const parsed = parseArgs(argv);
  if ("error" in parsed) {
    io.error(`skill-package: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  let endpoint: string;
  try {
    endpoint = parsed.endpoint ?? currentEndpoint(io.root);
  } catch (e) {
    io.error(`skill-package: ${(e as Error).message}`);
    return 2;
  }
  const problem = endpointProblem(endpoint);
  if (problem) {
    io.error(`skill-package: the endpoint in ${PACKAGE_DIR}/skill.json: ${problem}; pass --endpoint https://…`);
    return 2;
  }
  const files = generate({ endpoint, lists: parsed.lists });
  const stale = staleFiles(io.root, files);
  if (parsed.check) {
    for (const path of stale) io.error(`${path} is not what scripts/skill-package/build.ts generates`);
    if (stale.length > 0) {
      io.error("Run `npm run skill-package` (with the same --lists) and commit the result.");
      return 1;
    }
    io.log(`skill-package: ${files.size} files up to date (endpoint ${endpoint}, lists: ${parsed.lists})`);
    return 0;
  }
  for (const path of stale) {
    const file = join(io.root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, files.get(path)!);
    io.log(`wrote ${path}`);
  }
  io.log(`skill-package: endpoint ${endpoint}, lists: ${parsed.lists}, ${stale.length} of ${files.size} files changed`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2), {
    root: resolve(import.meta.dirname, "..", ".."),
    log: (line) => console.log(line),
    error: (line) => console.error(line),
  });
}
