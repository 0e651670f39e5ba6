// Kafka's default OAUTHBEARER validator for development (OAuthBearerUnsecuredValidatorCallbackHandler):
// an unsigned JWS (`alg: none`, empty signature) whose claims are checked, with options from the
// listener's OAuthBearerLoginModule JAAS entry: unsecuredValidatorPrincipalClaimName (sub),
// unsecuredValidatorScopeClaimName (scope), unsecuredValidatorRequiredScope (space-separated),
// unsecuredValidatorAllowableClockSkewMs (0). Never for production, as Kafka says too.

import { ConfigError } from '../../config.js'
import { IllegalToken, numericClaim, parseCompactJws, scopeClaim, stringClaim, type TokenValidator, type ValidToken } from './jws.js'

export interface UnsecuredOptions {
  principalClaimName: string
  scopeClaimName: string
  requiredScope: string[]
  allowableClockSkewMs: number
}

export function unsecuredOptions(jaas: ReadonlyMap<string, string>): UnsecuredOptions {
  const opt = (k: string) => {
    const v = jaas.get(`unsecuredValidator${k}`)?.trim()
    return v === undefined || v === '' ? undefined : v
  }
  const skewText = opt('AllowableClockSkewMs') ?? '0'
  const skew = /^-?\d+$/.test(skewText) ? Number(skewText) : NaN
  if (Number.isNaN(skew)) throw new ConfigError(`For input string: "${skewText}" (unsecuredValidatorAllowableClockSkewMs)`)
  if (skew < 0) throw new ConfigError(`Allowable clock skew millis must not be negative: ${skewText}`)
  return {
    principalClaimName: opt('PrincipalClaimName') ?? 'sub',
    scopeClaimName: opt('ScopeClaimName') ?? 'scope',
    requiredScope: (opt('RequiredScope') ?? '').split(' ').filter((s) => s !== ''),
    allowableClockSkewMs: skew,
  }
}

export class UnsecuredValidator implements TokenValidator {
  constructor(
    private readonly o: UnsecuredOptions,
    private readonly now: () => number,
  ) {}

  validate(token: string): ValidToken {
    const jws = parseCompactJws(token)
    if (jws.header.alg === undefined) throw new IllegalToken('JWS header must have an Algorithm value')
    if (String(jws.header.alg) !== 'none') throw new IllegalToken("Unsecured JWS must have 'none' for an algorithm")
    if (jws.signature.length > 0 || !token.endsWith('.')) throw new IllegalToken('Unsecured JWS must not contain a digital signature')
    const scope = scopeClaim(jws.claims, this.o.scopeClaimName)
    const exp = numericClaim(jws.claims, 'exp')
    if (exp === null) throw new IllegalToken('No expiration time in JWT')
    const principal = stringClaim(jws.claims, this.o.principalClaimName)
    if (principal === null || principal.trim() === '') throw new IllegalToken(`No principal name in JWT claim: ${this.o.principalClaimName}`)
    const iat = numericClaim(jws.claims, 'iat')
    const expMs = Math.round(exp * 1000)
    const iatMs = iat === null ? null : Math.round(iat * 1000)
    const now = this.now()
    const skew = this.o.allowableClockSkewMs
    // OAuthBearerValidationUtils: issued-at not in the future, not expired, exp after iat, scope.
    if (iatMs !== null && iatMs > now + skew) throw new IllegalToken(`The Issued At value (${iat} seconds) was after the indicated time (${now} ms) plus allowable clock skew (${skew} ms)`)
    if (now - skew >= expMs) throw new IllegalToken(`The indicated time (${now} ms) minus allowable clock skew (${skew} ms) was on or after the Expiration Time value (${exp} seconds)`)
    if (iatMs !== null && expMs <= iatMs) throw new IllegalToken(`The Expiration Time time (${exp} seconds) was not after the Issued At time (${iat} seconds)`)
    // The failure names the whole required list as Java prints a List: `[a, b]`.
    const required = `[${this.o.requiredScope.join(', ')}]`
    for (const element of this.o.requiredScope) {
      if (!scope.has(element)) throw new IllegalToken(`The provided scope (${[...scope].join(', ')}) was missing a required scope (${element}).  All required scope elements: ${required}`, required)
    }
    return { principal, lifetimeMs: expMs, scope }
  }
}
