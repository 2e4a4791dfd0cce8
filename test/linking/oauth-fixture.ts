// The app's OAuth server, for the linking tests: signing keys made with jose,
// a JWKS served by a fetch function (never the network), tokens on demand.
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

export const ISSUER = "https://id.app.test/";
export const AUDIENCE = "https://lists.app.test";
export const JWKS_URL = "https://id.app.test/.well-known/jwks.json";
export const INTROSPECTION_URL = "https://id.app.test/oauth/introspect";

/** The Worker vars that turn verification on against this fixture. */
export const LINKING_VARS = { APP_OAUTH_ISSUER: ISSUER, APP_OAUTH_AUDIENCE: AUDIENCE, APP_OAUTH_JWKS_URL: JWKS_URL } as const;

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
  #rotations = 0;

  static async create(): Promise<OAuthFixture> {
    const f = new OAuthFixture();
    f.keys = [await newKey("key-0")];
    return f;
  }

  /** A new signing key; the old one leaves the JWKS. */
  async rotate(): Promise<void> {
    this.keys = [await newKey(`key-${++this.#rotations}`)];
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
