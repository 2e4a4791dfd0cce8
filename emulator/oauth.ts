/**
 * @module emulator/oauth
 * The app's OAuth server, as far as account linking needs it: an ES256
 * signing key generated with jose, the JWKS at {@link JWKS_PATH}, and JWT
 * access tokens (RFC 9068 style: `typ: at+jwt`, `iss`, `aud`, `sub`, `exp`)
 * for a person who links. Faults: an expired token, a foreign one (signed
 * by a key the JWKS does not publish, under the current kid), and key
 * rotation (the old key leaves the JWKS). Runtime-agnostic (WebCrypto).
 */
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";

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
   * `foreign`: signed by a key of nobody's JWKS). `aud`: another audience than
   * the skill's (the bridge's MCP endpoint URL).
   * @example await oauth.issue({ sub: "app-user-1", kind: "expired" })
   */
  async issue(opts: { sub: string; kind?: TokenKind; aud?: string }): Promise<string> {
    const kind = opts.kind ?? "valid";
    const key = kind === "foreign" ? await newKey(this.#key.kid) : this.#key;
    const now = Math.floor(this.#now() / 1000) - (kind === "expired" ? 7200 : 0);
    return new SignJWT({ scope: "lists" })
      .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
      .setIssuer(this.issuer)
      .setAudience(opts.aud ?? this.audience)
      .setSubject(opts.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key.privateKey);
  }
}
