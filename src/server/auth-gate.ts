// The pre-authentication gate a connection calls before dispatching each frame (Kafka's
// SaslServerAuthenticator sits in front of KafkaApis the same way): on a SASL listener only
// ApiVersions, SaslHandshake and SaslAuthenticate pass until the client has authenticated; after
// SaslHandshake v0 the frames are raw SASL tokens answered with raw frames; past a session's
// lifetime (KIP-368) only re-authentication passes. Refusals close the connection; the log names
// the reason and the mechanism, never a token or a password.

import type { Logger } from '../logger.js'
import { AuthenticationFailed } from '../security/sasl/mechanism.js'
import type { SaslSession } from '../security/sasl/session.js'

export type GateAction =
  | { kind: 'dispatch' }
  | { kind: 'drop' }
  | { kind: 'close'; reason: string }
  | { kind: 'raw'; reply: Buffer }

const DISPATCH: GateAction = { kind: 'dispatch' }
const DROP: GateAction = { kind: 'drop' }

export class AuthGate {
  constructor(readonly session: SaslSession, private readonly log: Logger) {}

  // The frame size limit while unauthenticated is sasl.server.max.receive.size (Kafka fails the
  // authentication with "invalid receive size" past it).
  maxFrameBytes(socketMax: number): number {
    return this.session.maxFrameBytes(socketMax)
  }

  // Raw v0 tokens may be shorter than a request header.
  get minFrameBytes(): number {
    return this.session.state === 'raw' ? 0 : 8
  }

  // Frames that are raw tokens (after SaslHandshake v0) are answered here; requests are checked
  // against what the session allows before their header is decoded.
  check(frame: Buffer, apiKey: () => number, apiName: () => string): GateAction {
    const s = this.session
    if (s.state === 'raw') {
      try {
        return { kind: 'raw', reply: s.rawToken(frame) }
      } catch (err) {
        if (!(err instanceof AuthenticationFailed)) throw err
        this.log.info({ mechanism: s.mechanism, reason: err.message }, 'SASL authentication failed (SaslHandshake v0)')
        return { kind: 'close', reason: 'SASL authentication failed' }
      }
    }
    const verdict = s.admit(apiKey(), apiKeyName(apiName()))
    if (verdict === null) return DISPATCH
    if (verdict === 'drop') return DROP
    return { kind: 'close', reason: verdict }
  }
}

// Kafka's ApiKeys constant names (METADATA, DESCRIBE_CLUSTER) for its close messages.
function apiKeyName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}
