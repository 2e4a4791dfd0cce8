// The app's OAuth server, for the linking tests: signing keys made with jose,
// a JWKS served by a fetch function (never the network), tokens on demand.
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

export const ISSUER = "https://id.app.test/";
export const AUDIENCE = "https://lists.app.test";
export const JWKS_URL = "https://id.app.test/.well-known/jwks.json";
export const INTROSPECTION_URL = "https://id.app.test/oauth/introspect";

/** The Worker vars that turn verification on against this fixture. */
export const LINKING_VARS = { APP_OAUTH_ISSUER: ISSUER, APP_OAUTH_AUDIENCE: AUDIENCE, APP_OAUTH_JWKS_URL: JWKS_URL } as const;
/** The Worker vars that verify opaque tokens by introspection against this fixture. */
export const INTROSPECTION_VARS = {
  APP_OAUTH_ISSUER: ISSUER,
  APP_OAUTH_AUDIENCE: AUDIENCE,
  APP_OAUTH_INTROSPECTION_URL: INTROSPECTION_URL,
  APP_OAUTH_CLIENT_ID: "bridge",
  APP_OAUTH_CLIENT_SECRET: "s3cret",
} as const;

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

export class OAuthFixture {
  /** Keys published in the JWKS; the first signs. */
  keys: Key[] = [];
  /** JWKS requests served. */
  jwksFetches = 0;
  /** The JWKS endpoint fails (network error). */
  down = false;
  /** Introspection requests served. */
  introspections = 0;
  /** The introspection endpoint answers 503. */
  introspectionDown = false;
  /** Opaque tokens the introspection endpoint calls active, by token → sub. */
  readonly #opaque = new Map<string, string>();
  #rotations = 0;

  static async create(): Promise<OAuthFixture> {
    const f = new OAuthFixture();
    f.keys = [await newKey("key-0")];
    return f;
  }

  /** A new signing key; the old one leaves the JWKS, or stays published after it (`keepOld`, as hosted servers do). */
  async rotate(opts: { keepOld?: boolean } = {}): Promise<void> {
    const key = await newKey(`key-${++this.#rotations}`);
    this.keys = opts.keepOld ? [key, ...this.keys] : [key];
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** A signed access token; `nowMs` is the issuing time. */
  async token(opts: { sub?: string; iss?: string; aud?: string; nowMs?: number; expInS?: number; nbfInS?: number; key?: Key; claims?: Record<string, string> } = {}): Promise<string> {
    const key = opts.key ?? this.keys[0]!;
    const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
    const jwt = new SignJWT({ scope: "lists", ...opts.claims })
      .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
      .setSubject(opts.sub ?? "app-user-1")
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (opts.expInS ?? 3600));
    if (opts.nbfInS !== undefined) jwt.setNotBefore(now + opts.nbfInS);
    return jwt.sign(key.privateKey);
  }

  /** A key of another server (same kid as the current one): a forged token. */
  async foreignKey(): Promise<Key> {
    return newKey(this.keys[0]!.kid);
  }

  /** A key under a kid nobody publishes: a forged token with a made-up kid. */
  async strangerKey(): Promise<Key> {
    return newKey(`stranger-${crypto.randomUUID()}`);
  }

  /** An opaque access token, active for `sub` until {@link revoke}d. */
  opaque(sub: string): string {
    const token = `opaque-${crypto.randomUUID()}`;
    this.#opaque.set(token, sub);
    return token;
  }

  revoke(token: string): void {
    this.#opaque.delete(token);
  }

  /** Serves RFC 7662 introspection (no client authentication check: test/linking/verify-token.test.ts covers the request). */
  introspect = async (req: Request): Promise<Response> => {
    this.introspections++;
    if (this.introspectionDown) return new Response("unavailable", { status: 503 });
    const token = new URLSearchParams(new TextDecoder().decode(await req.arrayBuffer())).get("token") ?? "";
    const sub = this.#opaque.get(token);
    return Response.json(sub === undefined ? { active: false } : { active: true, sub, iss: ISSUER, aud: AUDIENCE });
  };

  /** Serves the JWKS (and nothing else). */
  fetch: typeof fetch = async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== JWKS_URL) throw new Error(`unexpected fetch ${url}`);
    this.jwksFetches++;
    if (this.down) throw new TypeError("fetch failed");
    return Response.json(this.jwks());
  };
}

/** base64url of a JSON value. */
export function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
