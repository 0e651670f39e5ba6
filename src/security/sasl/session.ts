// One connection's SASL state on a SASL listener, as Kafka's SaslServerAuthenticator and the
// re-authentication of KIP-368. Sockets and protocol objects stay outside: the connection asks
// `admit` before dispatching a request, the SaslHandshake and SaslAuthenticate handlers call
// `handshake` and `authenticate`, and v0 tokens (raw frames after SaslHandshake v0) go to `rawToken`.

import { ErrorCode } from '../../../protocol/errors.js'
import type { ScramCredentials } from '../scram-credentials.js'
import { scramMechanism } from '../scram-credentials.js'
import { AuthenticationFailed, type SaslServer } from './mechanism.js'
import type { TokenValidator } from '../oauth/jws.js'
import { OAuthBearerServer } from './oauthbearer.js'
import { PlainServer } from './plain.js'
import { ScramServer } from './scram.js'

export interface SaslListenerConfig {
  // sasl.enabled.mechanisms of the listener, in the order given (SaslHandshake lists them so).
  mechanisms: readonly string[]
  plainUsers: ReadonlyMap<string, string>
  // connections.max.reauth.ms (per listener and mechanism); 0: sessions do not expire.
  reauthMs: (mechanism: string) => number
  // sasl.server.max.receive.size: the largest frame before and during authentication.
  maxReceiveBytes: number
  // OAUTHBEARER's token validator (unsecured or JWKS), when the listener enables the mechanism.
  oauth?: TokenValidator | null
}

const API_VERSIONS = 18
const SASL_HANDSHAKE = 17
const SASL_AUTHENTICATE = 36

// Kafka's ApiKeys names for the log and close messages.
type State = 'handshake' | 'authenticate' | 'raw' | 'complete' | 'failed'

export interface AuthenticateResult {
  errorCode: number
  errorMessage: string | null
  authBytes: Buffer
  sessionLifetimeMs: bigint
  // The connection closes once this response is written (a failed authentication).
  close: boolean
  // Why it failed, for the broker's log (may name the user, never a password or proof).
  reason?: string
}

export class SaslSession {
  state: State = 'handshake'
  // Kafka's principal: User:<authorization id>; User:ANONYMOUS until authenticated.
  principal = 'User:ANONYMOUS'
  mechanism: string | null = null
  private server: SaslServer | null = null
  private supportsReauth = false
  private expiresAt: number | null = null
  private previous: { mechanism: string; principal: string } | null = null

  constructor(
    private readonly config: SaslListenerConfig,
    private readonly credentials: ScramCredentials,
    private readonly now: () => number,
  ) {}

  get authenticated(): boolean {
    return this.state === 'complete' || this.previous !== null
  }

  // The frame size limit: sasl.server.max.receive.size until the first authentication completes.
  maxFrameBytes(socketMax: number): number {
    return this.state === 'complete' || this.previous !== null ? socketMax : this.config.maxReceiveBytes
  }

  // Before dispatch: null lets the request through; 'drop' ignores it (a failure is being answered
  // and the connection closes after); any other string closes the connection with that reason.
  admit(apiKey: number, apiName: string): string | null {
    switch (this.state) {
      case 'failed':
        return 'drop'
      case 'handshake':
        if (this.previous) return apiKey === SASL_HANDSHAKE || apiKey === SASL_AUTHENTICATE ? null : this.expiredOrNull(apiKey)
        return apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE ? null : `Unexpected Kafka request of type ${apiName} during SASL handshake.`
      case 'authenticate':
        if (apiKey === SASL_AUTHENTICATE) return null
        return this.previous ? this.expiredOrNull(apiKey) : `Unexpected Kafka request of type ${apiName} during SASL authentication.`
      case 'raw':
        return null
      case 'complete':
        return apiKey === SASL_HANDSHAKE ? null : this.expiredOrNull(apiKey)
    }
  }

  // KIP-368: past its session lifetime a connection may only re-authenticate; anything else closes
  // it (Kafka's SocketServer: "Disconnecting expired channel").
  private expiredOrNull(_apiKey: number): string | null {
    if (this.expiresAt !== null && this.now() >= this.expiresAt) return 'the SASL session expired (connections.max.reauth.ms) and the client did not re-authenticate'
    return null
  }

  // SaslHandshake. On an authenticated connection it starts re-authentication (KIP-368) when the
  // client has shown it supports it (SaslAuthenticate v1+), else answers ILLEGAL_SASL_STATE as
  // KafkaApis does for a handshake after authentication.
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[]; close: boolean } {
    const mechanisms = [...this.config.mechanisms]
    if (this.state === 'complete') {
      if (!this.supportsReauth || version < 1) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [], close: false }
      this.previous = { mechanism: this.mechanism!, principal: this.principal }
    } else if (this.state !== 'handshake') {
      return this.fail({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [], close: true })
    }
    if (!mechanisms.includes(mechanism)) return this.fail({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms, close: true })
    if (this.previous && this.previous.mechanism !== mechanism) {
      // Kafka answers the handshake, then fails the SaslAuthenticate that follows (REAUTH_BAD_MECHANISM).
      this.server = null
      this.mechanism = mechanism
      this.state = 'authenticate'
      return { errorCode: ErrorCode.NONE, mechanisms, close: false }
    }
    this.mechanism = mechanism
    this.server = this.createServer(mechanism)
    this.state = version >= 1 ? 'authenticate' : 'raw'
    return { errorCode: ErrorCode.NONE, mechanisms, close: false }
  }

  // SaslAuthenticate (after SaslHandshake v1).
  authenticate(token: Buffer, version: number): AuthenticateResult {
    if (this.state === 'complete' || this.state === 'handshake') {
      const message = this.state === 'complete' ? 'SaslAuthenticate request received after successful authentication' : 'Unexpected SaslAuthenticate request with header before SaslHandshake'
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n, close: this.state !== 'complete' }
    }
    if (version > 0) this.supportsReauth = true
    try {
      if (!this.server) throw new AuthenticationFailed(`SASL mechanism '${this.mechanism}' requested by client is not supported for re-authentication of mechanism '${this.previous?.mechanism}'`, true)
      const out = this.server.evaluate(token)
      const lifetime = this.server.complete ? this.finish() : 0
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: out, sessionLifetimeMs: BigInt(lifetime), close: false }
    } catch (err) {
      if (!(err instanceof AuthenticationFailed)) throw err
      this.state = 'failed'
      const message = err.clientVisible ? err.message : `Authentication failed during ${this.previous ? 're-authentication' : 'authentication'} due to invalid credentials with SASL mechanism ${this.mechanism}`
      return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n, close: true, reason: err.message }
    }
  }

  // A SASL token after SaslHandshake v0: the reply travels as a raw size-prefixed frame.
  // Throws AuthenticationFailed; the connection then closes without a reply (as Kafka).
  rawToken(token: Buffer): Buffer {
    try {
      const out = this.server!.evaluate(token)
      if (this.server!.complete) this.finish()
      return out
    } catch (err) {
      this.state = 'failed'
      throw err
    }
  }

  // The reason a failure is logged with (never a password or a token).
  get lastMechanism(): string | null {
    return this.mechanism
  }

  private finish(): number {
    const principal = `User:${this.server!.authorizationId}`
    if (this.previous && this.previous.principal !== principal) {
      const [pt, pn] = splitPrincipal(this.previous.principal)
      const [nt, nn] = splitPrincipal(principal)
      throw new AuthenticationFailed(`Cannot change principals during re-authentication from ${pt}.${pn}: ${nt}.${nn}`, true)
    }
    this.principal = principal
    this.previous = null
    this.state = 'complete'
    const lifetime = sessionLifetimeMs(this.config.reauthMs(this.mechanism!), credentialExpiry(this.server), this.now())
    this.server = null
    this.expiresAt = lifetime === null ? null : this.now() + lifetime
    return lifetime ?? 0
  }

  private fail<T>(result: T): T {
    this.state = 'failed'
    return result
  }

  private createServer(mechanism: string): SaslServer {
    if (mechanism === 'PLAIN') return new PlainServer(this.config.plainUsers)
    const scram = scramMechanism(mechanism)
    if (scram) return new ScramServer(scram, this.credentials)
    if (mechanism === 'OAUTHBEARER' && this.config.oauth) return new OAuthBearerServer(this.config.oauth)
    throw new Error(`no SASL server for ${mechanism}`)
  }
}

function credentialExpiry(server: SaslServer | null): number | null {
  return server instanceof OAuthBearerServer ? server.credentialExpiresAt : null
}

// KIP-368 as SaslServerAuthenticator computes it: the session ends at connections.max.reauth.ms or
// when the credential (an OAUTHBEARER token) expires, whichever comes first; null: it never ends.
export function sessionLifetimeMs(reauthMs: number, credentialExpiresAt: number | null, now: number): number | null {
  const reauthSet = reauthMs > 0
  if (credentialExpiresAt === null && !reauthSet) return null
  const untilExpiry = credentialExpiresAt === null ? Infinity : credentialExpiresAt - now
  return Math.max(0, Math.min(untilExpiry, reauthSet ? reauthMs : Infinity))
}

function splitPrincipal(p: string): [string, string] {
  const at = p.indexOf(':')
  return [p.slice(0, at), p.slice(at + 1)]
}

export const SASL_MECHANISMS_SERVED = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const
