/**
 * @module emulator/oauth
 * The app's OAuth server, as far as account linking needs it: an ES256
 * signing key generated with jose, the JWKS at {@link JWKS_PATH}, and JWT
 * access tokens (RFC 9068 style: `typ: at+jwt`, `iss`, `aud`, `sub`, `exp`)
 * for a person who links, with extra claims (e.g. `household`, the claim the
 * bridge's APP_OAUTH_SPACE_CLAIM may name a list space by). Faults: an
 * expired token, a foreign one (signed by a key the JWKS does not publish,
 * under the current kid), and key rotation (the old key leaves the JWKS).
 * Runtime-agnostic (WebCrypto).
 */
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

/** Where the JWKS is served, on the emulator's origin. */
export const JWKS_PATH = "/_oauth/jwks.json";
/** The audience the emulator's tokens carry (the Worker's APP_OAUTH_AUDIENCE). */
export const OAUTH_AUDIENCE = "alexa-list-bridge";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** Which token to issue. @example const kind: TokenKind = "expired"; */
export type TokenKind = "valid" | "expired" | "foreign";

/** Claims the server sets itself; extra claims may not replace them. */
export const RESERVED_CLAIMS: readonly string[] = ["iss", "aud", "sub", "exp", "iat", "nbf", "jti", "scope"];

/**
 * Why `claims` cannot go into a token, or null: names are 1-64 characters,
 * not {@link RESERVED_CLAIMS}; values are non-empty strings.
 * @example claimsProblem({ household: "fam-1" }) // null
 */
export function claimsProblem(claims: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(claims)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(name)) return `claim name "${name}" must be 1-64 letters, digits, _ . : -`;
    if (RESERVED_CLAIMS.includes(name)) return `claim "${name}" is set by the OAuth server itself`;
    if (typeof value !== "string" || value.trim() === "") return `claim "${name}" must be a non-empty string`;
  }
  return null;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

/**
 * @example
 * const oauth = await OAuthServer.create("http://127.0.0.1:8790", Date.now);
 * const token = await oauth.issue({ sub: "app-user-1" });
 * await oauth.rotate();
 */
export class OAuthServer {
  readonly issuer: string;
  readonly audience = OAUTH_AUDIENCE;
  readonly jwksUrl: string;
  #key: SigningKey;
  #rotations = 0;
  readonly #now: () => number;

  private constructor(origin: string, key: SigningKey, now: () => number) {
    this.issuer = `${origin}/_oauth`;
    this.jwksUrl = `${origin}${JWKS_PATH}`;
    this.#key = key;
    this.#now = now;
  }

  static async create(origin: string, now: () => number = Date.now): Promise<OAuthServer> {
    return new OAuthServer(origin.replace(/\/+$/, ""), await newKey("emulator-key-0"), now);
  }

  /** The published key set. @example oauth.jwks().keys[0].kid */
  jwks(): { keys: JWK[] } {
    return { keys: [this.#key.publicJwk] };
  }

  /** A new signing key; the old one is no longer published. @example await oauth.rotate(); */
  async rotate(): Promise<string> {
    this.#key = await newKey(`emulator-key-${++this.#rotations}`);
    return this.#key.kid;
  }

  /**
   * An access token for `sub` (valid for an hour; `expired`: ended an hour ago;
   * `foreign`: signed by a key of nobody's JWKS), carrying `claims` too
   * (see {@link claimsProblem}; a bad one throws).
   * @example await oauth.issue({ sub: "app-user-1", claims: { household: "fam-1" } })
   */
  async issue(opts: { sub: string; kind?: TokenKind; claims?: Record<string, string> }): Promise<string> {
    const problem = claimsProblem(opts.claims ?? {});
    if (problem) throw new RangeError(problem);
    const kind = opts.kind ?? "valid";
    const key = kind === "foreign" ? await newKey(this.#key.kid) : this.#key;
    const now = Math.floor(this.#now() / 1000) - (kind === "expired" ? 7200 : 0);
    return new SignJWT({ ...opts.claims, scope: "lists" })
      .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(opts.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
  }
}

/** Registered claims that say nothing about who linked. */
const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set(["iss", "aud", "exp", "iat", "nbf", "jti", "scope"]);

/**
 * Who a linking token names: its `sub` and the app's own claims (unverified;
 * for showing only), or null when it is not a JWT (an opaque token).
 * @example tokenClaims(await oauth.issue({ sub: "bob", claims: { household: "fam-1" } })) // { sub: "bob", household: "fam-1" }
 */
export function tokenClaims(token: string): Record<string, unknown> | null {
  try {
    return Object.fromEntries(Object.entries(decodeJwt(token)).filter(([k]) => !PROTOCOL_CLAIMS.has(k)));
  } catch {
    return null;
  }
}
