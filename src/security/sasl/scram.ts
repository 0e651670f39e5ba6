// SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer: client-first
// `n,[a=authzid],n=user,r=cnonce[,ext]`, server-first `r=cnonce+snonce,s=salt,i=iterations`,
// client-final `c=biws,r=nonce,p=proof`, server-final `v=signature`. Only the gs2 header "n" is
// accepted (no channel binding). Unknown users, a nonce that is not ours and a wrong proof are
// SaslExceptions in Kafka: the client gets the generic message, the reason stays in the debug log.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ScramCredential, ScramCredentials, ScramMechanismInfo } from '../scram-credentials.js'
import { MIN_ITERATIONS } from '../scram-credentials.js'
import { AuthenticationFailed, type SaslServer } from './mechanism.js'

// ScramMessages' patterns, with Java's character-class intersections spelled out.
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+'
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+'
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+'
const BASE64 = '(?:[a-zA-Z0-9/+]{4})*(?:[a-zA-Z0-9/+]{3}=|[a-zA-Z0-9/+]{2}==)?'
const CLIENT_FIRST = new RegExp(`^n,(?:a=(${SASLNAME}))?,(?:m=${VALUE},)?n=(${SASLNAME}),r=(${PRINTABLE})((?:,[A-Za-z]+=${VALUE})*)$`)
const CLIENT_FINAL = new RegExp(`^(c=(${BASE64}),r=(${PRINTABLE})(?:,[A-Za-z]+=${VALUE})*),p=(${BASE64})$`)

export class ScramServer implements SaslServer {
  readonly mechanism: string
  complete = false
  authorizationId: string | null = null
  private state: 'first' | 'final' | 'done' = 'first'
  private credential: ScramCredential | null = null
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''

  constructor(private readonly m: ScramMechanismInfo, private readonly credentials: ScramCredentials) {
    this.mechanism = m.name
  }

  evaluate(token: Buffer): Buffer {
    try {
      if (this.state === 'first') return this.first(token.toString('utf8'))
      if (this.state === 'final') return this.final(token.toString('utf8'))
      throw new AuthenticationFailed('Unexpected challenge in Sasl server state COMPLETE', false)
    } catch (err) {
      this.credential = null
      this.state = 'done'
      throw err
    }
  }

  private first(message: string): Buffer {
    const m = CLIENT_FIRST.exec(message)
    if (!m) throw new AuthenticationFailed('Invalid SCRAM client first message format', false)
    const username = unescapeSaslName(m[2]!)
    const credential = this.credentials.get(username, this.m.type)
    if (!credential) throw new AuthenticationFailed('Authentication failed: Invalid user credentials', false)
    if (m[1] !== undefined && unescapeSaslName(m[1]) !== username) throw new AuthenticationFailed('Authentication failed: Client requested an authorization id that is different from username', true)
    if (credential.iterations < MIN_ITERATIONS) throw new AuthenticationFailed(`Iterations ${credential.iterations} is less than the minimum ${MIN_ITERATIONS} for ${this.m.name}`, false)
    this.credential = credential
    this.authorizationId = username
    this.clientFirstBare = message.slice(message.indexOf(',', message.indexOf(',') + 1) + 1)
    // ScramFormatter.secureRandomString: a fresh server nonce per exchange, so a replayed
    // client-final (whose nonce carries an older server nonce) never matches.
    this.nonce = m[3]! + randomBytes(18).toString('base64url')
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`
    this.state = 'final'
    return Buffer.from(this.serverFirst, 'utf8')
  }

  private final(message: string): Buffer {
    const m = CLIENT_FINAL.exec(message)
    if (!m) throw new AuthenticationFailed('Invalid SCRAM client final message format', false)
    // RFC 5802: exactly the nonce sent (client + server part). Kafka 4.x compares with equals
    // (the CVE-2024-56128 fix; 3.8.1–3.9 accepted endsWith), so librdkafka before 2.6.1, which
    // repeats the client nonce (r=<c><c><s>), fails here as it fails on Kafka 4.4.
    if (m[3] !== this.nonce) throw new AuthenticationFailed('Invalid client nonce in the final client message.', false)
    const c = this.credential!
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${m[1]}`
    const clientSignature = createHmac(this.m.hash, c.storedKey).update(authMessage).digest()
    const proof = Buffer.from(m[4]!, 'base64')
    if (proof.length !== clientSignature.length) throw new AuthenticationFailed('Invalid client credentials', false)
    const clientKey = Buffer.alloc(proof.length)
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!
    const computed = createHash(this.m.hash).update(clientKey).digest()
    if (!timingSafeEqual(computed, c.storedKey)) throw new AuthenticationFailed('Invalid client credentials', false)
    const serverSignature = createHmac(this.m.hash, c.serverKey).update(authMessage).digest()
    this.credential = null
    this.state = 'done'
    this.complete = true
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8')
  }
}

// ScramFormatter.username: =2C is a comma, =3D an equals sign, any other = is invalid.
function unescapeSaslName(name: string): string {
  const commas = name.replace(/=2C/g, ',')
  if (commas.replace(/=3D/g, '').includes('=')) throw new AuthenticationFailed(`Invalid username: ${name}`, false)
  return commas.replace(/=3D/g, '=')
}
