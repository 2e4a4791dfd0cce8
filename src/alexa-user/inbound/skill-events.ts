/**
 * @module alexa-user/inbound/skill-events
 * `AlexaSkillEvent.*`: enabled, disabled, account linked, permissions accepted
 * or changed. Each updates the profile and queues one webhook in the same
 * transaction. `SkillDisabled` also asks for erasure: the object deletes all
 * of the user's data once the webhook queue has drained (so the app hears
 * `alexa.user.disabled` first; a webhook that cannot be delivered, even for
 * want of configuration, becomes a dead letter after its 24 h window, so
 * erasure waits about a day at most). Alexa gives a new user id when the skill is
 * enabled again, so nothing of the old object is needed after that.
 *
 * `SkillAccountLinked`: with verification configured (docs/account-linking.md)
 * the Worker has verified the token; the profile keeps the verified app user
 * id (never the token) and the webhook carries `appUserId`. Without it, the
 * raw token is stored and forwarded as received (the weaker mode).
 *
 * Skill events may arrive out of order and up to an hour late; the profile
 * keeps the last one handled, and the app gets every one in handling order.
 */
import { WebhookType } from "../../sync/payloads.ts";
import type { InboundRequest } from "../envelope.ts";
import { InboundError, NOTHING, type Apply, type InboundParts } from "./context.ts";

/** The request types this module handles. */
export const SKILL_EVENT_TYPES: ReadonlySet<string> = new Set([
  "AlexaSkillEvent.SkillEnabled",
  "AlexaSkillEvent.SkillDisabled",
  "AlexaSkillEvent.SkillAccountLinked",
  "AlexaSkillEvent.SkillAccountUnlinked",
  "AlexaSkillEvent.SkillPermissionAccepted",
  "AlexaSkillEvent.SkillPermissionChanged",
]);

/**
 * Handles one skill event; returns its durable effects (no I/O is needed).
 * @example const apply = handleSkillEvent(req, parts, now); transactionSync(apply);
 */
export function handleSkillEvent(req: InboundRequest, parts: Pick<InboundParts, "profile" | "webhooks">, now: number): Apply {
  const { profile, webhooks } = parts;
  switch (req.type) {
    case "AlexaSkillEvent.SkillEnabled":
      return () => {
        profile.setEnabled(true, now);
        webhooks.enqueue(WebhookType.userEnabled, {});
      };
    case "AlexaSkillEvent.SkillDisabled": {
      const status = (req.body as { userInformationPersistenceStatus?: unknown } | undefined)?.userInformationPersistenceStatus;
      return () => {
        profile.setEnabled(false, now);
        webhooks.enqueue(
          WebhookType.userDisabled,
          typeof status === "string" ? { userInformationPersistenceStatus: status } : {},
        );
        profile.requestErase(now);
      };
    }
    case "AlexaSkillEvent.SkillAccountLinked": {
      // Verification configured (src/linking): the Worker verified the token
      // and sent the verdict instead; the app hears the verified appUserId.
      if (req.link !== undefined) {
        const link = req.link;
        if (link.state !== "linked") {
          console.warn(`SkillAccountLinked: token not accepted (${link.state === "refused" ? link.code : link.state}); the user is not linked`);
          return NOTHING;
        }
        return () => {
          profile.setAppUserId(link.appUserId, now);
          profile.setLinkedAccessToken(null, now);
          webhooks.enqueue(WebhookType.accountLinked, { appUserId: link.appUserId });
        };
      }
      // Weaker mode (no verification configured): the raw token, stored and forwarded.
      const token = (req.body as { accessToken?: unknown } | undefined)?.accessToken;
      if (typeof token !== "string" || token === "") {
        throw new InboundError(400, "BAD_EVENT_BODY", "body.accessToken is required");
      }
      return () => {
        profile.setLinkedAccessToken(token, now);
        webhooks.enqueue(WebhookType.accountLinked, { accessToken: token });
      };
    }
    case "AlexaSkillEvent.SkillAccountUnlinked":
      // The link's order and the app user mapping are settled by the object (src/alexa-user/space-link.ts).
      return () => profile.clearAppUserId();
    case "AlexaSkillEvent.SkillPermissionAccepted":
    case "AlexaSkillEvent.SkillPermissionChanged": {
      const scopes = readScopes(req.body);
      return () => {
        profile.setAcceptedPermissions(scopes, now);
        webhooks.enqueue(WebhookType.permissionsChanged, { acceptedPermissions: scopes });
      };
    }
    default:
      return NOTHING;
  }
}

/** `body.acceptedPermissions[].scope`; a missing body means none accepted. */
function readScopes(body: unknown): string[] {
  if (body === undefined || body === null) return [];
  const list = (body as { acceptedPermissions?: unknown }).acceptedPermissions;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InboundError(400, "BAD_EVENT_BODY", "body.acceptedPermissions must be an array");
  const scopes: string[] = [];
  for (const p of list) {
    const scope = (p as { scope?: unknown } | null)?.scope;
    if (typeof scope !== "string") throw new InboundError(400, "BAD_EVENT_BODY", "acceptedPermissions[].scope must be a string");
    if (!scopes.includes(scope)) scopes.push(scope);
  }
  return scopes;
}
