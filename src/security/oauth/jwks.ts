// Kafka's JWKS validation of OAUTHBEARER tokens (OAuthBearerValidatorCallbackHandler with
// BrokerJwtValidator, which uses jose4j): a signed JWS whose key is found by `kid` in the JSON Web
// Key Set at sasl.oauthbearer.jwks.endpoint.url (http(s): or file:), fetched at start-up and every
// sasl.oauthbearer.jwks.endpoint.refresh.ms. A token naming a key not in the set fails, and the set
// is fetched again soon (Kafka's RefreshingHttpsJwks.maybeExpediteRefresh), so a key rotated in at
// the provider is accepted on the client's next attempt. Node's crypto verifies the signature.

import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import fs from 'node:fs/promises'
import { ConfigError } from '../../config.js'
import { IllegalToken, numericClaim, parseCompactJws, scopeClaim, stringClaim, type TokenValidator, type ValidToken } from './jws.js'

export interface JwksOptions {
  url: string
  refreshMs: number
  expectedAudience: string[]
  expectedIssuer: string | null
  allowUnverifiedAudience: boolean
  allowUnverifiedIssuer: boolean
  clockSkewSeconds: number
  scopeClaimName: string
  subClaimName: string
}

// JWS `alg` ─▶ how node:crypto verifies it (jose4j's algorithms; `none` is refused: DISALLOW_NONE).
const ALGORITHMS: Record<string, { hash: string | null; kind: 'rsa' | 'pss' | 'ec' | 'ed' }> = {
  RS256: { hash: 'sha256', kind: 'rsa' }, RS384: { hash: 'sha384', kind: 'rsa' }, RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'pss' }, PS384: { hash: 'sha384', kind: 'pss' }, PS512: { hash: 'sha512', kind: 'pss' },
  ES256: { hash: 'sha256', kind: 'ec' }, ES384: { hash: 'sha384', kind: 'ec' }, ES512: { hash: 'sha512', kind: 'ec' },
  EdDSA: { hash: null, kind: 'ed' },
}

interface Key {
  kid: string | null
  alg: string | null
  key: KeyObject
}

// Soonest the set is fetched again after a token named an unknown key (Kafka: MISSING_KEY_ID_CACHE).
const EXPEDITE_MIN_INTERVAL_MS = 10_000

export class JwksValidator implements TokenValidator {
  private keys: Key[] = []
  private timer: NodeJS.Timeout | null = null
  private lastExpedite = 0
  private fetching: Promise<void> | null = null

  constructor(
    private readonly o: JwksOptions,
    private readonly now: () => number,
    private readonly warn: (msg: string) => void,
  ) {}

  // The first fetch must succeed: without keys no token could ever be accepted (Kafka fails the
  // broker's start-up the same way).
  async start(): Promise<void> {
    try {
      this.keys = parseJwks(await readJwks(this.o.url))
    } catch (err) {
      throw new ConfigError(`Could not retrieve the JWKS from sasl.oauthbearer.jwks.endpoint.url ${this.o.url}: ${(err as Error).message}`)
    }
    if (this.o.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.o.refreshMs)
      this.timer.unref()
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  refresh(): Promise<void> {
    this.fetching ??= readJwks(this.o.url)
      .then((text) => void (this.keys = parseJwks(text)))
      .catch((err) => this.warn(`refreshing the JWKS from ${this.o.url} failed, keeping the previous keys: ${(err as Error).message}`))
      .finally(() => void (this.fetching = null))
    return this.fetching
  }

  validate(token: string): ValidToken {
    const jws = parseCompactJws(token)
    const alg = typeof jws.header.alg === 'string' ? jws.header.alg : ''
    const how = ALGORITHMS[alg]
    if (!how) throw new IllegalToken(`Could not validate the access token: the JWS algorithm '${alg}' is not permitted`)
    const kid = typeof jws.header.kid === 'string' ? jws.header.kid : null
    const candidates = this.keys.filter((k) => (kid === null || k.kid === kid) && (k.alg === null || k.alg === alg))
    if (candidates.length === 0) {
      this.expediteRefresh()
      throw new IllegalToken(`Could not validate the access token: no key in the JWKS matches kid ${kid ?? '(none)'} and alg ${alg}`)
    }
    if (!candidates.some((k) => verifies(how, k.key, jws.signingInput, jws.signature))) throw new IllegalToken('Could not validate the access token: JWS signature is invalid')
    return this.checkClaims(jws.claims)
  }

  private checkClaims(claims: Record<string, unknown>): ValidToken {
    const now = this.now()
    const skewMs = this.o.clockSkewSeconds * 1000
    const exp = numericClaim(claims, 'exp')
    if (exp === null) throw new IllegalToken('Could not validate the access token: No Expiration Time (exp) claim present.')
    const iat = numericClaim(claims, 'iat')
    if (iat === null) throw new IllegalToken('Could not validate the access token: No Issued At (iat) claim present.')
    if (now - skewMs >= exp * 1000) throw new IllegalToken(`Could not validate the access token: The JWT is no longer valid - the evaluation time is on or after the Expiration Time (exp=${exp})`)
    const nbf = numericClaim(claims, 'nbf')
    if (nbf !== null && now + skewMs < nbf * 1000) throw new IllegalToken(`Could not validate the access token: The JWT is not yet valid (nbf=${nbf})`)
    this.checkAudience(claims.aud)
    if (!this.o.allowUnverifiedIssuer && this.o.expectedIssuer !== null) {
      const iss = stringClaim(claims, 'iss')
      if (iss !== this.o.expectedIssuer) throw new IllegalToken(`Could not validate the access token: Issuer (iss) claim value (${iss}) doesn't match expected value of ${this.o.expectedIssuer}`)
    }
    const sub = stringClaim(claims, this.o.subClaimName)
    if (sub === null || sub.trim() === '') throw new IllegalToken(`${this.o.subClaimName} value must be non-null`)
    return { principal: sub.trim(), lifetimeMs: Math.round(exp * 1000), scope: scopeClaim(claims, this.o.scopeClaimName) }
  }

  // jose4j's audience rule as Kafka configures it: with expected audiences the token must name one;
  // without any, a token that names an audience is refused unless allow.unverified.audience is set.
  private checkAudience(aud: unknown): void {
    if (this.o.allowUnverifiedAudience) return
    const named = aud === undefined || aud === null ? [] : Array.isArray(aud) ? aud.map(String) : [String(aud)]
    if (this.o.expectedAudience.length === 0) {
      if (named.length > 0) throw new IllegalToken(`Could not validate the access token: Audience (aud) claim ${JSON.stringify(named)} present in the JWT but no expected audience value(s) were provided`)
      return
    }
    if (!named.some((a) => this.o.expectedAudience.includes(a))) throw new IllegalToken(`Could not validate the access token: Audience (aud) claim ${JSON.stringify(named)} doesn't contain an acceptable identifier. Expected ${this.o.expectedAudience.join(',')} as an aud value.`)
  }

  private expediteRefresh(): void {
    const now = this.now()
    if (now - this.lastExpedite < EXPEDITE_MIN_INTERVAL_MS) return
    this.lastExpedite = now
    void this.refresh()
  }
}

function verifies(how: { hash: string | null; kind: string }, key: KeyObject, input: string, signature: Buffer): boolean {
  try {
    const data = Buffer.from(input, 'ascii')
    if (how.kind === 'pss') return verify(how.hash, data, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: -1 /* digest length */ }, signature)
    if (how.kind === 'ec') return verify(how.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
    return verify(how.hash, data, key, signature)
  } catch {
    return false // a key of another type (an EC key for an RS256 token): not this one
  }
}

async function readJwks(url: string): Promise<string> {
  const u = new URL(url)
  if (u.protocol === 'file:') return fs.readFile(u, 'utf8')
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported URL scheme ${u.protocol}`)
  const res = await fetch(u, { signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  return res.text()
}

// A JWK Set (RFC 7517 §5): keys that are not for signatures or that node cannot import are skipped.
export function parseJwks(text: string): Key[] {
  const set = JSON.parse(text) as { keys?: unknown }
  if (!Array.isArray(set.keys)) throw new Error('the JWKS has no "keys" array')
  const keys: Key[] = []
  for (const jwk of set.keys as Record<string, unknown>[]) {
    if (jwk.use !== undefined && jwk.use !== 'sig') continue
    try {
      keys.push({ kid: typeof jwk.kid === 'string' ? jwk.kid : null, alg: typeof jwk.alg === 'string' ? jwk.alg : null, key: createPublicKey({ key: jwk as never, format: 'jwk' }) })
    } catch {
      // not a public key node can use (an unknown kty): jose4j skips those too
    }
  }
  return keys
}
