/**
 * @module scripts/soak/model
 * What the soak knows was done to one item, and every final state that
 * history allows. People's changes (the Alexa app, a voice turn) happen at a
 * known instant; an app operation takes effect at one unknown instant between
 * the moment it was sent and the moment its final status was seen, after the
 * app's previous operation on the same item (the bridge orders operations per
 * item). An operation that ended `failed` had no effect. The allowed final
 * states are those of every placement of the completed operations into that
 * history that never changes an item that does not exist (a person's change
 * was made on an item that existed, and a completed update or delete found
 * its item). If no placement is valid, the history itself is impossible.
 */

export type Status = "active" | "completed";

export interface ItemState {
  listId: string;
  value: string;
  status: Status;
}

export type Effect =
  | { kind: "create"; state: ItemState }
  | { kind: "set"; value?: string; status?: Status }
  | { kind: "move"; listId: string }
  | { kind: "delete" };

/** A change made at one instant (`at`), or, for an app operation, in [`at`, `end`]. */
export interface Change {
  by: "person" | "app";
  at: number;
  end: number;
  effect: Effect;
  /** App operations: its id, for messages. */
  opId?: string;
}

export type Final = ItemState | null;

function step(s: Final, e: Effect): Final | "invalid" {
  if (e.kind === "create") return s === null ? { ...e.state } : "invalid";
  // A delete finds its goal reached when the item is gone already (the List API's delete is idempotent).
  if (e.kind === "delete") return null;
  if (s === null) return "invalid";
  if (e.kind === "move") return { ...s, listId: e.listId };
  return { ...s, ...(e.value !== undefined ? { value: e.value } : {}), ...(e.status !== undefined ? { status: e.status } : {}) };
}

export const keyOf = (f: Final): string => (f === null ? "absent" : `${f.listId}|${f.value}|${f.status}`);

/**
 * Every final state the changes allow, as {@link keyOf} keys (empty: no order
 * of them is possible). `people` are in time order; `app` in the order sent.
 * @example allowedFinals([{ by: "person", at: 1, end: 1, effect: { kind: "create", state } }], []) // Set { "l|milk|active" }
 */
export function allowedFinals(people: Change[], app: Change[], limit = 20_000): Set<string> {
  const out = new Set<string>();
  let budget = limit;
  // Gap g is "after people[g-1], before people[g]".
  const gapsFor = (c: Change): number[] => {
    const gs: number[] = [];
    for (let g = 0; g <= people.length; g++) {
      const after = g === 0 ? -Infinity : people[g - 1]!.at;
      const before = g === people.length ? Infinity : people[g]!.at;
      if (after <= c.end && before >= c.at) gs.push(g);
    }
    return gs;
  };
  const gaps = app.map(gapsFor);
  const place = (i: number, minGap: number, chosen: number[]): void => {
    if (budget-- <= 0) return;
    if (i === app.length) {
      let s: Final = null;
      let ai = 0;
      for (let g = 0; g <= people.length; g++) {
        while (ai < app.length && chosen[ai] === g) {
          const n = step(s, app[ai]!.effect);
          if (n === "invalid") return;
          s = n;
          ai++;
        }
        if (g < people.length) {
          const n = step(s, people[g]!.effect);
          if (n === "invalid") return;
          s = n;
        }
      }
      out.add(keyOf(s));
      return;
    }
    for (const g of gaps[i]!) if (g >= minGap) place(i + 1, g, [...chosen, g]);
  };
  place(0, 0, []);
  return out;
}
