// A JWS in compact serialization (RFC 7515 §7.1): three base64url sections, header.claims.signature.
// Both OAUTHBEARER validators read tokens through this: Kafka's unsecured validator
// (OAuthBearerUnsecuredJws) and its JWKS one (BrokerJwtValidator, through jose4j).

export class IllegalToken extends Error {
  // Kafka's OAuthBearerValidationResult: a failure, and for a missing scope the scope that was missing
  // (the client then sees status insufficient_scope instead of invalid_token).
  constructor(message: string, readonly failureScope: string | null = null) {
    super(message)
  }
}

export interface CompactJws {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  signature: Buffer
  // The bytes the signature covers: `<header>.<claims>` as sent.
  signingInput: string
}

export function parseCompactJws(token: string): CompactJws {
  if (token.includes('..')) throw new IllegalToken("Malformed compact serialization contains '..'")
  const parts = token.split('.')
  if (parts.length !== 3) throw new IllegalToken('JWS compact serializations must have 3 dot-separated Base64URL-encoded values')
  const [h, c, s] = parts as [string, string, string]
  return { header: jsonSection(h), claims: jsonSection(c), signature: base64url(s), signingInput: `${h}.${c}` }
}

function base64url(section: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(section)) throw new IllegalToken('malformed Base64 URL encoded value')
  return Buffer.from(section, 'base64url')
}

function jsonSection(section: string): Record<string, unknown> {
  const bytes = base64url(section)
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new IllegalToken('malformed JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new IllegalToken('malformed JSON')
  return value as Record<string, unknown>
}

// A claim that must be a number when present (exp, iat, nbf are NumericDate: seconds, maybe decimal).
export function numericClaim(claims: Record<string, unknown>, name: string): number | null {
  const v = claims[name]
  if (v === undefined || v === null) return null
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new IllegalToken(`The '${name}' claim was not of type Number: ${typeName(v)}`)
  return v
}

export function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const v = claims[name]
  if (v === undefined || v === null) return null
  if (typeof v !== 'string') throw new IllegalToken(`The '${name}' claim was not of type String: ${typeName(v)}`)
  return v
}

// Kafka's scope: a string claim is one scope element; a list claim is one element per entry.
export function scopeClaim(claims: Record<string, unknown>, name: string): Set<string> {
  const v = claims[name]
  if (typeof v === 'string') return v.trim() === '' ? new Set() : new Set([v.trim()])
  if (Array.isArray(v)) return new Set(v.map((e) => String(e).trim()).filter((e) => e !== ''))
  return new Set()
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'List'
  return typeof v === 'number' ? 'Number' : typeof v === 'string' ? 'String' : typeof v === 'boolean' ? 'Boolean' : 'Object'
}

// The result every validator gives the SASL server: a principal and when its credential expires, or
// Kafka's OAuthBearerValidatorCallback error (status, and the missing scope if that was the reason).
export interface ValidToken {
  principal: string
  lifetimeMs: number // the token's expiry, epoch ms (CREDENTIAL.LIFETIME.MS)
  scope: Set<string>
}

export interface TokenValidator {
  // Throws IllegalToken when the token is not accepted; the message goes to the broker's log only.
  validate(token: string): ValidToken
  close?(): void
}
