// The emulator console: Alexa's side, the app's side and the wire, live.
// Plain ES module, no build step, no framework. Everything it shows comes from
// the emulator's control API (/_control/...) and its event stream
// (GET /_control/events, Server-Sent Events). Data is put in the page with
// textContent only (never as HTML).
/* global document, Node, CSS, location, EventSource */

const $ = (id) => document.getElementById(id);

/** A DOM element: h("button", { type: "button", onclick }, "text", child…). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const msg = (data && (data.message || (data.body && (data.body.message || data.body.error)) || data.error)) || `HTTP ${res.status}`;
    throw new Error(typeof msg === "string" ? msg : JSON.stringify(msg));
  }
  return data;
}

const enc = encodeURIComponent;
const state = {
  config: null,
  people: [],
  person: null,
  alexaLists: [],
  /** The selected person's list space (skill store), once known. */
  spaceId: null,
};

function current() {
  return state.people.find((p) => p.name === state.person) ?? null;
}

// ------------------------------------------------------------- focus keeping

/** Re-renders `container` with `render()`, keeping keyboard focus on the element with the same data-key. */
function keepFocus(container, render) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  render();
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

function debounce(fn, ms = 120) {
  let t = null;
  return () => {
    clearTimeout(t);
    t = setTimeout(fn, ms);
  };
}

/**
 * A debounced read-and-render whose answers cannot go back in time: runs can
 * overlap (a slow read, a newer trigger), and a run whose answer arrives after
 * a newer run started (`stale()`) renders nothing, so an old read never
 * overwrites a newer one.
 */
function refresher(fn, ms = 120) {
  let latest = 0;
  return debounce(() => {
    const run = ++latest;
    return fn(() => run !== latest);
  }, ms);
}

/**
 * The selected person's `part` (`/_control/console/people/:name/<part>`),
 * read through {@link refresher} and rendered only when it changed: an
 * unchanged answer keeps the DOM as it is (a click in flight is not lost to a
 * re-render). A failed read says so in `noteId`.
 */
function personPart(part, render, noteId, failed) {
  let shown = null;
  return refresher(async (stale) => {
    const p = current();
    if (!p) return;
    try {
      const data = await api("GET", `/_control/console/people/${enc(p.name)}/${part}`);
      if (stale()) return;
      const seen = JSON.stringify([p.name, data]);
      if (seen === shown) return;
      shown = seen;
      render(data);
    } catch (e) {
      note(noteId, `${failed}: ${e.message}`);
    }
  });
}

// ------------------------------------------------------------------ people

async function loadPeople() {
  state.people = await api("GET", "/_control/people");
  const sel = $("person");
  const chosen = state.person ?? new URL(location.href).searchParams.get("person") ?? state.people[0]?.name ?? null;
  sel.replaceChildren(...state.people.map((p) => h("option", { value: p.name, selected: p.name === chosen }, p.name)));
  state.person = state.people.some((p) => p.name === chosen) ? chosen : (state.people[0]?.name ?? null);
  sel.value = state.person ?? "";
  renderPersonControls();
  // A row that arrived before its person's new user id was known (a first "say" enables the skill) shows now.
  applyFilter();
}

function renderPersonControls() {
  const p = current();
  const needs = state.config?.store === "household" ? !p?.enabled || !p.permissions.includes("read") : false;
  $("enable").hidden = !needs;
  $("alexa-sub").textContent = p?.userId ? `· ${p.name} · ${p.userId.slice(0, 28)}…` : p ? `· ${p.name} (skill not enabled)` : "";
}

$("person").addEventListener("change", () => {
  state.person = $("person").value;
  renderPersonControls();
  $("conversation").replaceChildren();
  applyFilter();
  refreshAlexa();
  refreshApp();
  refreshDeadLetters();
  refreshSpace();
});

$("enable").addEventListener("click", async () => {
  const p = current();
  if (!p) return;
  try {
    if (!p.enabled) await api("POST", `/_control/people/${enc(p.name)}/enable`, { permissions: ["read", "write"] });
    else await api("POST", `/_control/people/${enc(p.name)}/permissions`, { grant: ["read", "write"] });
    await loadPeople();
    $("person").focus();
  } catch (e) {
    note("alexa-note", e.message);
  }
});

function note(id, text) {
  $(id).textContent = text ?? "";
}

// ------------------------------------------------------------ Alexa's side

const refreshAlexa = personPart(
  "alexa",
  (side) => {
    state.alexaLists = side.lists;
    note("alexa-note", side.note ?? "");
    renderAlexa(side);
  },
  "alexa-note",
  "Could not read Alexa's lists",
);

function renderAlexa(side) {
  const household = side.store === "household";
  const add = $("alexa-add");
  add.hidden = !household;
  if (household) {
    const sel = $("alexa-add-list");
    const was = sel.value;
    sel.replaceChildren(...side.lists.map((l) => h("option", { value: l.listId }, l.name)));
    if (was) sel.value = was;
  }
  const box = $("alexa-lists");
  keepFocus(box, () =>
    box.replaceChildren(
      ...side.lists.map((l) =>
        listCard(l, "alexa", (item) => (household ? householdButtons(l, item, side.lists) : [])),
      ),
    ),
  );
}

// -------------------------------------------------------------- list space

const refreshSpace = personPart("space", renderSpace, "space-note", "Could not read the list space");

/** The person's list space (skill store): its id and kind, and every Alexa user in it, by person. */
function renderSpace(sp) {
  $("space").hidden = state.config?.store !== "skill";
  state.spaceId = sp.spaceId;
  note("space-note", sp.note ?? "");
  $("space-id").textContent = sp.spaceId ? `· ${sp.spaceId}${sp.kind ? ` (${sp.kind})` : ""}` : "";
  const me = current();
  $("space-members").replaceChildren(
    ...sp.members.map((m) =>
      h(
        "li",
        { class: "member", dataset: { userId: m.userId } },
        h("strong", {}, m.person ?? "someone else"),
        m.person === me?.name && m.current ? " (this person)" : m.person && !m.current ? " (an old user id)" : "",
        h("span", { class: "sub" }, ` · ${m.userId.slice(0, 28)}…`),
        ` · app user ${m.appUserId ?? "none (not linked)"}`,
        m.linkedAt ? h("span", { class: "sub" }, ` · linked ${time(m.linkedAt)}`) : "",
      ),
    ),
  );
}

function listCard(l, side, buttons, tools = null) {
  const items = l.items ?? [];
  const active = items.filter((i) => i.status !== "completed").length;
  return h(
    "section",
    { class: "list", "aria-label": `${l.name} (${side === "alexa" ? "Alexa" : "app"})`, dataset: { list: l.listId, name: l.name } },
    h("h3", {}, l.name, h("span", { class: "count" }, `${active} active / ${items.length}`)),
    tools,
    items.length === 0
      ? h("p", { class: "empty" }, "No items.")
      : h(
          "ul",
          { class: "items" },
          items.map((i) =>
            h(
              "li",
              { class: `item ${i.status === "completed" ? "completed" : ""}`, dataset: { item: i.id, value: i.value } },
              h("span", { class: "value" }, i.value),
              i.source ? h("span", { class: "src", title: "Where the last change came from" }, i.source) : null,
              buttons(i),
            ),
          ),
        ),
  );
}

function householdButtons(list, item, lists) {
  const p = current();
  const base = `/_control/people/${enc(p.name)}/lists/${enc(list.listId)}/items/${enc(item.id)}`;
  const done = item.status === "completed";
  const others = lists.filter((l) => l.listId !== list.listId);
  const moveKey = `alexa-move-${item.id}`;
  const act = (fn) => async () => {
    try {
      await fn();
      note("alexa-note", "");
    } catch (e) {
      note("alexa-note", e.message);
    }
  };
  return [
    h(
      "button",
      { type: "button", dataset: { key: `alexa-check-${item.id}` }, "aria-label": `${done ? "Uncheck" : "Check off"} ${item.value}`, onclick: act(() => api("PATCH", base, { status: done ? "active" : "completed" })) },
      done ? "Uncheck" : "Check off",
    ),
    h("button", { type: "button", dataset: { key: `alexa-del-${item.id}` }, "aria-label": `Delete ${item.value}`, onclick: act(() => api("DELETE", base)) }, "Delete"),
    others.length
      ? [
          h("label", { class: "visually-hidden", for: moveKey }, `Move ${item.value} to`),
          h("select", { id: moveKey, dataset: { key: moveKey } }, others.map((l) => h("option", { value: l.listId }, l.name))),
          h(
            "button",
            {
              type: "button",
              dataset: { key: `alexa-move-btn-${item.id}` },
              "aria-label": `Move ${item.value}`,
              onclick: act(() => api("POST", `${base}/move`, { to: $(moveKey).value })),
            },
            "Move",
          ),
        ]
      : null,
  ];
}

$("alexa-add").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const p = current();
  const value = $("alexa-add-value").value.trim();
  if (!p || !value) return;
  try {
    await api("POST", `/_control/people/${enc(p.name)}/lists/${enc($("alexa-add-list").value)}/items`, { value });
    $("alexa-add-value").value = "";
  } catch (e) {
    note("alexa-note", e.message);
  }
});

// Voice.
async function say(text) {
  const p = current();
  if (!p || !text) return;
  const button = $("say-button");
  button.disabled = true;
  const said = h("li", {}, h("span", { class: "said" }, `${p.name}: “${text}”`));
  $("conversation").prepend(said);
  try {
    const turn = await api("POST", `/_control/people/${enc(p.name)}/say`, { text, locale: $("say-locale").value });
    said.append(h("br"), h("span", { class: turn.error ? "err" : "heard" }, `Alexa: ${turn.speech ?? "(nothing)"}`));
    if (turn.enabledSkill) await loadPeople();
  } catch (e) {
    said.append(h("br"), h("span", { class: "err" }, e.message));
  } finally {
    button.disabled = false;
  }
  refreshAlexa();
}

$("say-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("say-text").value.trim();
  $("say-text").value = "";
  void say(text);
  $("say-text").focus();
});
for (const b of document.querySelectorAll("button.example[data-say]")) b.addEventListener("click", () => void say(b.dataset.say));
$("end-session").addEventListener("click", async () => {
  const p = current();
  if (!p) return;
  try {
    const r = await api("DELETE", `/_control/people/${enc(p.name)}/session`);
    $("conversation").prepend(h("li", {}, h("span", { class: "heard" }, r.ended ? "(session ended)" : "(no session open)")));
  } catch (e) {
    note("alexa-note", e.message);
  }
});

// -------------------------------------------------------------- the app

const refreshApp = personPart(
  "app",
  (side) => {
    note("app-note", side.note ?? "");
    const box = $("app-lists");
    // What was typed in a list's rename field survives the re-render.
    const typed = new Map([...box.querySelectorAll("input[data-key]")].map((i) => [i.dataset.key, i.value]));
    keepFocus(box, () => box.replaceChildren(...side.lists.map((l) => listCard(l, "app", (i) => appButtons(l, i), listTools(l)))));
    for (const input of box.querySelectorAll("input[data-key]")) if (typed.has(input.dataset.key)) input.value = typed.get(input.dataset.key);
    renderAddListOptions(side.lists);
    $("app-ops").replaceChildren(
      ...side.operations.map((o) =>
        h("li", {}, h("span", { class: `state ${o.status === "completed" ? "ok" : "bad"}` }, o.status), ` ${o.kind} · ${o.opId}`, o.error ? ` · ${o.error}` : ""),
      ),
    );
  },
  "app-note",
  "Could not read the app's view",
);

async function appAction(action, body) {
  const p = current();
  if (!p) return false;
  try {
    const op = await api("POST", `/_control/console/people/${enc(p.name)}/app/${action}`, body);
    note("app-note", `${action}: operation ${op.id} ${op.status}`);
    return true;
  } catch (e) {
    note("app-note", `${action} failed: ${e.message}`);
    return false;
  }
}

/** A list the app may rename and delete: a custom list of the skill store (not shopping, not to-do). */
function isCustomList(l) {
  if (state.config?.store !== "skill" || l.defaultKind) return false;
  return !state.alexaLists.some((a) => a.listId === l.listId && a.defaultKind);
}

/** Rename (an inline field) and delete buttons for a custom list; null for the others. */
function listTools(l) {
  if (!isCustomList(l)) return null;
  const field = `app-rename-${l.listId}`;
  return h(
    "div",
    { class: "list-tools" },
    h("label", { class: "visually-hidden", for: field }, `New name for ${l.name}`),
    h("input", { id: field, type: "text", placeholder: "new name", dataset: { key: field } }),
    h(
      "button",
      {
        type: "button",
        dataset: { key: `app-rename-btn-${l.listId}` },
        "aria-label": `Rename ${l.name} (REST)`,
        onclick: async () => {
          const name = $(field).value.trim();
          if (!name) {
            note("app-note", `Type a new name for ${l.name} first.`);
            $(field).focus();
            return;
          }
          if (await appAction("rename-list", { list: l.listId, name })) $(field).value = "";
        },
      },
      "Rename",
    ),
    h(
      "button",
      { type: "button", dataset: { key: `app-del-list-${l.listId}` }, "aria-label": `Delete ${l.name} (REST)`, onclick: () => appAction("delete-list", { list: l.listId }) },
      "Delete list",
    ),
  );
}

/** The REST add form's list choice: shopping, to-do and the custom lists the app holds. */
function renderAddListOptions(lists) {
  const sel = $("app-add-list");
  const was = sel.value;
  const custom = lists.filter(isCustomList);
  sel.replaceChildren(h("option", { value: "shopping" }, "Shopping"), h("option", { value: "todo" }, "To-do"), ...custom.map((l) => h("option", { value: l.listId }, l.name)));
  sel.value = [...sel.options].some((o) => o.value === was) ? was : "shopping";
}

function appButtons(list, item) {
  const done = item.status === "completed";
  return [
    done
      ? null
      : h("button", { type: "button", dataset: { key: `app-done-${item.id}` }, "aria-label": `Complete ${item.value} (REST)`, onclick: () => appAction("complete", { list: list.listId, item: item.id }) }, "Complete"),
    h("button", { type: "button", dataset: { key: `app-del-${item.id}` }, "aria-label": `Delete ${item.value} (REST)`, onclick: () => appAction("delete", { list: list.listId, item: item.id }) }, "Delete"),
  ];
}

$("app-add").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const value = $("app-add-value").value.trim();
  if (!value) return;
  $("app-add-value").value = "";
  await appAction("add", { list: $("app-add-list").value, value });
});
$("app-sync").addEventListener("click", () => appAction("sync", {}));
$("app-new-list").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = $("app-new-list-name").value.trim();
  if (!name) return;
  if (await appAction("create-list", { name })) $("app-new-list-name").value = "";
});

// ------------------------------------------------------- dead letters

const deadOpen = new Set(); // msgIds whose JSON is shown

const refreshDeadLetters = personPart("dead-letters", renderDeadLetters, "dl-note", "Could not read the dead letters");

function renderDeadLetters(dl) {
  $("dl-count").textContent = String(dl.total);
  $("dl-redrive").disabled = dl.total === 0;
  $("dl-delete").disabled = dl.total === 0;
  note(
    "dl-note",
    dl.note ?? (dl.total === 0 ? "None: every webhook was delivered or is still being retried." : `${dl.total} webhook${dl.total === 1 ? "" : "s"} the app did not take (24 h of failures, or 410 Gone).`),
  );
  const box = $("dead-letters");
  keepFocus(box, () =>
    box.replaceChildren(
      ...dl.deadLetters.map((d) => {
        const details = h(
          "details",
          { open: deadOpen.has(d.msgId), ontoggle: (ev) => (ev.target.open ? deadOpen.add(d.msgId) : deadOpen.delete(d.msgId)) },
          h(
            "summary",
            { dataset: { key: `dl-${d.msgId}` } },
            h("span", { class: "time", title: `died ${d.deadAt}` }, time(d.deadAt)),
            h("span", { class: "kind dead" }, "dead"),
            h("span", { class: "text" }, `${d.type} · ${d.msgId} · `, stateSpan(d.lastError ?? "no error recorded", "bad"), ` · ${d.attempts} attempt${d.attempts === 1 ? "" : "s"} · queued ${time(d.createdAt)}`),
          ),
          h("pre", {}, JSON.stringify(d, null, 2)),
        );
        return h("li", { dataset: { msgId: d.msgId, type: d.type } }, details);
      }),
    ),
  );
}

async function deadLetterAction(method, path, done) {
  const p = current();
  if (!p) return;
  try {
    const r = await api(method, `/_control/console/people/${enc(p.name)}/dead-letters${path}`);
    note("app-note", `${done}: ${r.count} dead letter${r.count === 1 ? "" : "s"}`);
  } catch (e) {
    note("app-note", `${done} failed: ${e.message}`);
  }
  refreshDeadLetters();
}

$("dl-redrive").addEventListener("click", () => deadLetterAction("POST", "/redrive", "Redriven"));
$("dl-delete").addEventListener("click", () => deadLetterAction("DELETE", "", "Deleted"));

// ------------------------------------------------------------- faults

function renderFaults(toggles) {
  const groups = new Map();
  for (const t of toggles) {
    if (!groups.has(t.group)) groups.set(t.group, []);
    groups.get(t.group).push(t);
  }
  const box = $("faults");
  keepFocus(box, () =>
    box.replaceChildren(
      ...[...groups].map(([group, ts]) =>
        h(
          "fieldset",
          { class: "fault-group" },
          h("legend", {}, group),
          ts.map((t) =>
            h(
              "label",
              {},
              h("input", {
                type: "checkbox",
                role: "switch",
                id: `fault-${t.key}`,
                checked: t.on,
                "aria-label": t.label,
                "aria-checked": String(t.on),
                disabled: !t.available,
                dataset: { key: `fault-${t.key}` },
                onchange: async (ev) => {
                  try {
                    renderFaults(await api("PUT", `/_control/console/faults/${enc(t.key)}`, { on: ev.target.checked }));
                  } catch (e) {
                    ev.target.checked = !ev.target.checked;
                    note("alexa-note", e.message);
                  }
                },
              }),
              h("span", { "aria-hidden": "true" }, t.short),
            ),
          ),
        ),
      ),
    ),
  );
}

const refreshFaults = debounce(async () => renderFaults(await api("GET", "/_control/console/faults")), 300);

$("restart").addEventListener("click", async () => {
  $("restart").disabled = true;
  try {
    await api("POST", "/_control/console/worker/restart");
  } catch (e) {
    $("restart").disabled = false;
    note("alexa-note", e.message);
  }
});

// ------------------------------------------------------------ the wire

const MAX_ROWS = 300;
const rows = new Map(); // key → { li, model }
const timeline = $("timeline");

const API_NAMES = { lists: "List API", messaging: "Skill Messaging", lwa: "LWA" };

function time(at) {
  return new Date(at).toLocaleTimeString([], { hour12: false }) + "." + String(new Date(at).getMilliseconds()).padStart(3, "0");
}

function stateSpan(text, cls) {
  return h("span", { class: `state ${cls}` }, text);
}

/** The row's key, its person / user, and its summary, from one event. Null: not shown. */
function describe(type, data, model) {
  switch (type) {
    case "voice": {
      const req = data.request ?? {};
      const what = data.utterance === null ? `${req.type} (${req.reason ?? "ended"})` : `“${data.utterance}”`;
      return {
        key: `v:${data.id}`,
        person: data.person,
        userId: data.userId,
        label: "voice",
        text: [`${data.person}: ${what} → ${req.intent ?? req.type}`, " · ", data.error ? stateSpan(`${data.status ?? "no answer"}: ${data.error}`, "bad") : stateSpan(String(data.status), "ok"), data.speech ? ` · Alexa: ${data.speech}` : ""],
      };
    }
    case "delivery": {
      const attempts = data.attempts ?? [];
      const answers = attempts.map((a) => (a.status ?? a.error ?? "?")).join(", ");
      const cls = data.state === "delivered" ? "ok" : data.state === "expired" || data.state === "dropped" ? "bad" : attempts.length ? "retry" : "";
      const retrying = data.state === "pending" && attempts.length > 0;
      return {
        key: `d:${data.id}`,
        person: data.person,
        userId: data.userId,
        label: "delivery",
        text: [
          `Alexa → skill ${data.type.replace(/^AlexaHouseholdListEvent\.|^AlexaSkillEvent\./, "")}${data.copyOf ? ` (copy of ${data.copyOf})` : ""}`,
          " · ",
          stateSpan(retrying ? `retrying (attempt ${attempts.length + 1} next)` : data.state, cls),
          attempts.length ? ` · attempts: ${answers}` : "",
          data.faults?.length ? ` · fault: ${data.faults.join(", ")}` : "",
        ],
      };
    }
    case "call": {
      const cls = data.status >= 200 && data.status < 300 ? "ok" : data.status === 429 || data.status >= 500 ? "retry" : "bad";
      return {
        key: null,
        label: "call",
        text: [`skill → ${API_NAMES[data.api] ?? data.api} ${data.method} ${data.path.replace(/^\/v2\/householdlists\/?/, "…/")}`, " · ", stateSpan(String(data.status), cls), data.fault ? ` · fault: ${data.fault}` : ""],
      };
    }
    case "webhook": {
      const m = model ?? { refused: 0, repeats: 0 };
      if (data.outcome === "refused" && data.mode === "410") m.gone = (m.gone ?? 0) + 1;
      else if (data.outcome === "refused") m.refused += 1;
      if (data.userId) m.userId = data.userId;
      if (data.outcome === "repeat") m.repeats += 1;
      if (data.outcome === "received") Object.assign(m, { received: true, type: data.type, userId: data.userId, source: data.data?.source });
      if (data.outcome === "rejected") m.rejected = data.error;
      if (data.type) m.type = data.type;
      const parts = [`bridge → app ${m.type ?? "webhook"}${m.source ? ` (${m.source})` : ""}`];
      if (m.refused) parts.push(" · ", stateSpan(`refused ${m.refused}× (app down)`, "retry"));
      if (m.gone) parts.push(" · ", stateSpan("410 Gone: kept as a dead letter", "bad"));
      if (m.received) parts.push(" · ", stateSpan(m.gone ? "received (redriven)" : m.refused ? `received on retry ${m.refused}` : "received", "ok"));
      else if (!m.rejected && !m.gone) parts.push(" · ", stateSpan("bridge will retry", "retry"));
      if (m.repeats) parts.push(` · redelivered ${m.repeats}×`);
      if (m.rejected) parts.push(" · ", stateSpan(`rejected: ${m.rejected}`, "bad"));
      return { key: data.webhookId ? `w:${data.webhookId}` : null, userId: m.userId, label: "webhook", text: parts, model: m, retries: m.refused };
    }
    case "operation": {
      const op = data.operation;
      const req = data.request ?? {};
      const what = req.value ? `“${req.value}”` : req.name ? `“${req.name}”` : req.item ? req.item.slice(0, 12) : req.list ? req.list.slice(0, 12) : "";
      if (!op) return { key: null, person: data.person, userId: data.userId, label: "operation", text: [`app → REST ${req.action} ${what}`, " · ", stateSpan(`refused ${data.status}`, "bad")] };
      const m = model ?? { history: [] };
      if (m.history.at(-1) !== op.status) m.history.push(op.status);
      const cls = op.status === "completed" ? "ok" : op.status === "failed" || op.status === "expired" ? "bad" : "retry";
      return {
        key: `o:${op.id}`,
        person: data.person,
        userId: data.userId,
        label: "operation",
        model: m,
        text: [`app → REST ${op.kind} ${what}`, " · ", stateSpan(m.history.join(" → "), cls), op.error ? ` · ${op.error}` : ""],
      };
    }
    case "faults": {
      const t = (data.toggles ?? []).find((x) => x.key === data.key);
      return { key: null, label: "faults", text: [`fault ${t?.label ?? data.key}: `, stateSpan(data.on ? "on" : "off", data.on ? "bad" : "ok")] };
    }
    case "worker":
      return { key: null, label: "worker", text: [`Worker ${data.state}`, data.ms ? ` (${(data.ms / 1000).toFixed(1)} s)` : "", data.error ? ` · ${data.error}` : ""] };
    default:
      return null;
  }
}

/** Rows that are updated in place: a delivery, a webhook (by webhook-id), an operation. */
function rowKey(type, data) {
  if (type === "delivery") return `d:${data.id}`;
  if (type === "webhook" && data.webhookId) return `w:${data.webhookId}`;
  if (type === "operation" && data.operation) return `o:${data.operation.id}`;
  if (type === "voice") return `v:${data.id}`;
  return null;
}

function addToTimeline(type, at, data) {
  const key = rowKey(type, data);
  const prev = key ? rows.get(key) : undefined;
  const d = describe(type, data, prev?.model);
  if (!d) return;
  const details = h(
    "details",
    {},
    h("summary", {}, h("span", { class: "time" }, time(at)), h("span", { class: `kind ${d.label}` }, d.label), h("span", { class: "text" }, d.text)),
    h("pre", {}, JSON.stringify(data, null, 2)),
  );
  let li;
  if (prev) {
    li = prev.li;
    const wasOpen = li.querySelector("details")?.open;
    const hadFocus = li.contains(document.activeElement);
    details.open = !!wasOpen;
    li.replaceChildren(details);
    timeline.prepend(li); // the latest activity first
    if (hadFocus) details.querySelector("summary").focus();
  } else {
    li = h("li", {}, details);
  }
  li.dataset.type = type;
  if (d.person) li.dataset.person = d.person;
  if (d.userId) li.dataset.user = d.userId;
  if (d.retries !== undefined) li.dataset.retries = String(d.retries);
  if (type === "delivery") li.dataset.attempts = String((data.attempts ?? []).length);
  if (d.key) rows.set(d.key, { li, model: d.model });
  if (!prev) {
    timeline.prepend(li);
    while (timeline.children.length > MAX_ROWS) {
      const last = timeline.lastElementChild;
      for (const [k, v] of rows) if (v.li === last) rows.delete(k);
      last.remove();
    }
  }
  filterRow(li);
}

function filterRow(li) {
  const p = current();
  if (!$("only-person").checked || !p) {
    li.hidden = false;
    return;
  }
  const users = new Set([p.userId, ...(p.pastUserIds ?? [])].filter(Boolean));
  li.hidden = (li.dataset.person !== undefined && li.dataset.person !== p.name) || (li.dataset.user !== undefined && !users.has(li.dataset.user));
}

function applyFilter() {
  for (const li of timeline.children) filterRow(li);
}

$("only-person").addEventListener("change", applyFilter);
$("clear-timeline").addEventListener("click", () => {
  timeline.replaceChildren();
  rows.clear();
});

// ------------------------------------------------------------- live events

const TYPES = ["delivery", "voice", "call", "lists", "person", "webhook", "app-view", "operation", "faults", "worker"];
const refreshPeople = debounce(() => loadPeople().then(() => (refreshAlexa(), refreshApp(), refreshDeadLetters(), refreshSpace())), 150);

function onEvent(type, data) {
  const p = current();
  // Skill store: anything in the person's list space is theirs too (another member's change, the app's write to the space).
  const mine = !p || data?.person === p.name || (data?.userId && data.userId === p.userId) || (data?.spaceId && data.spaceId === state.spaceId);
  switch (type) {
    case "lists":
      if (mine) refreshAlexa();
      break;
    case "person":
      refreshPeople();
      break;
    case "app-view":
      if (mine) refreshApp();
      break;
    case "voice":
    case "operation":
      if (mine) refreshAlexa();
      break;
    case "webhook":
      if (state.config?.store === "skill" && mine) refreshAlexa();
      // A member of the same space acting changes what this person sees (and who is in the space).
      if (state.config?.store === "skill") refreshSpace();
      if (mine) {
        refreshDeadLetters();
        // The bridge writes the dead letter once it has the app's answer: read again a moment later.
        if (data.outcome === "refused") setTimeout(refreshDeadLetters, 1000);
      }
      break;
    case "faults":
      renderFaults(data.toggles);
      break;
    case "worker":
      $("restart").disabled = data.state === "restarting";
      if (data.state === "running") {
        refreshAlexa();
        refreshApp();
        refreshDeadLetters();
        refreshSpace();
      }
      break;
    case "call":
    case "delivery":
      if (data.fault || data.faults?.length) refreshFaults();
      break;
  }
}

function connect() {
  const es = new EventSource("/_control/events");
  const conn = $("conn");
  es.addEventListener("open", () => {
    conn.textContent = "live";
    conn.classList.remove("down");
  });
  es.addEventListener("error", () => {
    conn.textContent = "reconnecting…";
    conn.classList.add("down");
  });
  for (const type of TYPES) {
    es.addEventListener(type, (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      addToTimeline(type, msg.at, msg.data);
      onEvent(type, msg.data);
    });
  }
}

// ------------------------------------------------------------------ start

async function start() {
  state.config = await api("GET", "/_control/console");
  const c = state.config;
  $("store").textContent = `store: ${c.store}`;
  $("store").title = c.store === "skill" ? "The skill holds the lists (read with the REST API)" : "Alexa's household lists (held by the emulator)";
  $("worker-url").textContent = c.workerUrl ?? "";
  $("restart").hidden = !c.canRestartWorker;
  $("alexa-title").firstChild.textContent = c.store === "skill" ? "Alexa (the skill's lists) " : "Alexa (the Alexa app) ";
  // List management through the REST API is the skill store's (with the household store Alexa holds the lists: 409).
  $("app-new-list").hidden = c.store !== "skill";
  renderFaults(c.faults);
  await loadPeople();
  refreshAlexa();
  refreshApp();
  refreshDeadLetters();
  refreshSpace();
  connect();
  document.body.dataset.ready = "true";
}

start().catch((e) => {
  note("alexa-note", `The console could not start: ${e.message}`);
});
