import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import type { ProvidedAlexaPki } from "./test/setup/alexa-cert-server.ts";

/**
 * Worker code, run inside workerd, once per list store: `*.skill.test.ts`
 * files run with ALEXA_LISTS=skill (the default store), every other Worker
 * test with ALEXA_LISTS=household (the List Management API path), because a
 * Durable Object's bindings are fixed for the whole run.
 */
function workersProject(name: string, alexaLists: "skill" | "household", files: { include: string[]; exclude: string[] }): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ENVIRONMENT: "test",
            ALEXA_LISTS: alexaLists,
            // POST /alexa (test/routes/alexa.test.ts): certificate chains come from the
            // test PKI served on loopback by test/setup/alexa-cert-server.ts; its root
            // is trusted, written with literal "\n" escapes as in a one-line .dev.vars.
            ALEXA_CERT_ORIGIN: inject<ProvidedAlexaPki>("alexaPki").origin,
            ALEXA_EXTRA_ROOTS_PEM: inject<ProvidedAlexaPki>("alexaPki").rootPem.replace(/\n/g, "\\n"),
            ALEXA_SKILL_ID: "amzn1.ask.skill.test-skill",
            // Webhooks to the app (test/user): a URL that tests intercept with a fetch spy.
            APP_WEBHOOK_URL: "https://app.test/webhooks/alexa",
            APP_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            // REST API (test/routes/api/router.test.ts): two tokens, to test rotation.
            APP_API_TOKEN: "test-api-token-1, test-api-token-2",
            // Skill Messaging credentials; tests intercept the token URL with a fetch spy.
            LWA_CLIENT_ID: "amzn1.application-oa2-client.test",
            LWA_CLIENT_SECRET: "test-lwa-secret",
            LWA_TOKEN_URL: "https://lwa.test/auth/o2/token",
          },
        },
      })),
    ],
    test: {
      name,
      globalSetup: ["./test/setup/alexa-cert-server.ts"],
      // Sized for CI on a busy 2-core machine: a test ends by its own size; the
      // limit only catches a hang (a 5 s default failed fuzz and 500-row tests under load).
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...files,
    },
  };
}

export default defineConfig({
  test: {
    // In CI a JSON report as well, so .ci/run can print a plain closing line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-report.json" }]] : ["default"],
    projects: [
      workersProject("workers", "household", {
        include: ["test/**/*.test.ts"],
        exclude: ["test/node/**", "test/e2e/**", "test/**/*.skill.test.ts"],
      }),
      workersProject("workers-skill", "skill", { include: ["test/**/*.skill.test.ts"], exclude: ["test/node/**", "test/e2e/**"] }),
      {
        // Node-side code: the emulator, scripts, end-to-end runs.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts", "test/e2e/**/*.test.ts"],
          // Sized for CI on a busy 2-core machine; the heavy e2e tests set their own (scripts/lib/budgets.ts).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
