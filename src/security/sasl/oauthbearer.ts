// SASL/OAUTHBEARER (RFC 7628) as Kafka's OAuthBearerSaslServer. The client's first message is
// `n,[a=<authzid>],^Aauth=Bearer <token>^A[key=value^A]*^A`. A token the validator refuses is
// answered with a JSON challenge (`{"status":"invalid_token"}`); the client replies ^A and the
// exchange fails with that JSON as the SaslAuthenticationException message, as Kafka sends it.

import { IllegalToken, type TokenValidator } from '../oauth/jws.js'
import { AuthenticationFailed, type SaslServer } from './mechanism.js'

const SEP = '\u0001'
// RFC 7628's saslname, key and value (OAuthBearerClientInitialResponse).
const SASLNAME = '(?:[\\x01-\\x2b\\x2d-\\x3c\\x3e-\\x7f]|=2C|=3D)+'
const KEY = '[A-Za-z]+'
const VALUE = '[\\x21-\\x7E \\t\\r\\n]+'
const INITIAL = new RegExp(`^n,(?:a=(${SASLNAME}))?,${SEP}((?:${KEY}=${VALUE}${SEP})*)${SEP}$`)
const AUTH = /^(\w+) +([-_.a-zA-Z0-9]+)$/

export class OAuthBearerServer implements SaslServer {
  readonly mechanism = 'OAUTHBEARER'
  complete = false
  authorizationId: string | null = null
  // The token's expiry (epoch ms): Kafka's CREDENTIAL.LIFETIME.MS negotiated property, which caps
  // the session lifetime (KIP-368).
  credentialExpiresAt: number | null = null
  private errorMessage: string | null = null

  constructor(private readonly validator: TokenValidator) {}

  evaluate(token: Buffer): Buffer {
    if (this.complete) throw new AuthenticationFailed('Unexpected challenge in Sasl server state COMPLETE', false)
    if (token.length === 1 && token[0] === 1 && this.errorMessage !== null) throw new AuthenticationFailed(this.errorMessage, true)
    this.errorMessage = null
    const { authzid, bearer } = parseInitialResponse(token.toString('utf8'))
    let valid
    try {
      valid = this.validator.validate(bearer)
    } catch (err) {
      if (!(err instanceof IllegalToken)) throw err
      const scope = err.failureScope
      this.errorMessage = scope !== null ? `{"status":"insufficient_scope", "scope":"${scope}"}` : '{"status":"invalid_token"}'
      return Buffer.from(this.errorMessage)
    }
    if (authzid !== '' && authzid !== valid.principal) {
      throw new AuthenticationFailed(`Authentication failed: Client requested an authorization id (${authzid}) that is different from the token's principal name (${valid.principal})`, true)
    }
    this.authorizationId = valid.principal
    this.credentialExpiresAt = valid.lifetimeMs
    this.complete = true
    return Buffer.alloc(0)
  }
}

// Kafka answers a malformed first message with a SaslException, whose text the client never sees.
function parseInitialResponse(text: string): { authzid: string; bearer: string } {
  const m = INITIAL.exec(text)
  if (!m) throw new AuthenticationFailed('Invalid OAUTHBEARER client first message', false)
  const pairs = new Map<string, string>()
  for (const kv of m[2]!.split(SEP)) {
    if (kv === '') continue
    const eq = kv.indexOf('=')
    pairs.set(kv.slice(0, eq), kv.slice(eq + 1))
  }
  const auth = pairs.get('auth')
  if (auth === undefined) throw new AuthenticationFailed("Invalid OAUTHBEARER client first message: 'auth' not specified", false)
  const a = AUTH.exec(auth)
  if (!a) throw new AuthenticationFailed("Invalid OAUTHBEARER client first message: invalid 'auth' format", false)
  if (a[1]!.toLowerCase() !== 'bearer') throw new AuthenticationFailed(`Invalid scheme in OAUTHBEARER client first message: ${a[1]}`, false)
  return { authzid: m[1] ?? '', bearer: a[2]! }
}
