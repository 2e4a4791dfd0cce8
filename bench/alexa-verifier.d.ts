/** The one function of alexa-verifier 4.x the benchmarks call (the package ships no types). */
declare module "alexa-verifier" {
  /** Resolves when the request verifies; rejects with a reason string otherwise. */
  export default function alexaVerifier(certUrl: string, signature: string, body: string): Promise<void>;
}
