// SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: `[authzid] NUL authcid NUL passwd`, checked
// against the listener's users (PlainServerCallbackHandler: the JAAS `user_<name>` options).

import { timingSafeEqual } from 'node:crypto'
import { AuthenticationFailed, type SaslServer } from './mechanism.js'

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN'
  complete = false
  authorizationId: string | null = null

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): Buffer {
    if (this.complete) throw new AuthenticationFailed('Unexpected challenge in Sasl server state COMPLETE', false)
    const tokens = token.toString('utf8').split('\u0000')
    if (tokens.length !== 3) throw new AuthenticationFailed(`Invalid SASL/PLAIN response: expected 3 tokens, got ${Math.min(tokens.length, 4)}`, true)
    const [authzid, username, password] = tokens as [string, string, string]
    if (username === '') throw new AuthenticationFailed('Authentication failed: username not specified', true)
    if (password === '') throw new AuthenticationFailed('Authentication failed: password not specified', true)
    const expected = this.users.get(username)
    if (expected === undefined || !sameSecret(expected, password)) throw new AuthenticationFailed('Authentication failed: Invalid username or password', true)
    if (authzid !== '' && authzid !== username) throw new AuthenticationFailed('Authentication failed: Client requested an authorization id that is different from username', true)
    this.authorizationId = username
    this.complete = true
    return Buffer.alloc(0)
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
