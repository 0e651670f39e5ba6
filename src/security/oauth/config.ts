// Which OAUTHBEARER validator a listener uses, from Kafka's keys:
// listener.name.<l>.oauthbearer.sasl.server.callback.handler.class unset ─▶ the unsecured validator
// (Kafka's default, options from the OAuthBearerLoginModule JAAS entry); Kafka's
// OAuthBearerValidatorCallbackHandler ─▶ JWKS validation with the sasl.oauthbearer.* keys, each
// read with its listener.name.<l>.oauthbearer. and listener.name.<l>. prefixes first.

import { ConfigError } from '../../config.js'
import type { JaasEntry } from '../jaas.js'
import { JwksValidator } from './jwks.js'
import type { TokenValidator } from './jws.js'
import { UnsecuredValidator, unsecuredOptions } from './unsecured.js'

const JWKS_HANDLERS = new Set([
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler', // before Kafka 3.9
])
const UNSECURED_HANDLER = 'org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler'

export function oauthValidator(values: ReadonlyMap<string, string>, listener: string, jaas: JaasEntry | null, now: () => number, warn: (msg: string) => void): TokenValidator {
  const l = listener.toLowerCase()
  const get = (key: string) => values.get(`listener.name.${l}.oauthbearer.${key}`) ?? values.get(`listener.name.${l}.${key}`) ?? values.get(key)
  const handler = get('sasl.server.callback.handler.class')?.trim() ?? ''
  if (handler === '' || handler === UNSECURED_HANDLER) return new UnsecuredValidator(unsecuredOptions(jaas?.options ?? new Map()), now)
  if (!JWKS_HANDLERS.has(handler)) throw new ConfigError(`sasl.server.callback.handler.class ${handler} of listener ${listener}: Rivulet validates OAUTHBEARER tokens with Kafka's unsecured validator (unset) or OAuthBearerValidatorCallbackHandler (JWKS)`)
  const url = get('sasl.oauthbearer.jwks.endpoint.url')
  if (!url) throw new ConfigError(`listener ${listener} validates OAUTHBEARER tokens with ${handler} but sasl.oauthbearer.jwks.endpoint.url is not set`)
  try {
    new URL(url)
  } catch {
    throw new ConfigError(`Invalid value ${url} for configuration sasl.oauthbearer.jwks.endpoint.url: not a URL`)
  }
  const list = (key: string) => (get(key) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  const num = (key: string, dflt: number) => {
    const v = get(key)
    const n = v === undefined ? dflt : Number(v)
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`The OAuth configuration option ${key} value must be non-negative`)
    return n
  }
  return new JwksValidator({
    url,
    refreshMs: num('sasl.oauthbearer.jwks.endpoint.refresh.ms', 3_600_000),
    expectedAudience: list('sasl.oauthbearer.expected.audience'),
    expectedIssuer: get('sasl.oauthbearer.expected.issuer') ?? null,
    allowUnverifiedAudience: get('sasl.oauthbearer.allow.unverified.audience') === 'true',
    allowUnverifiedIssuer: get('sasl.oauthbearer.allow.unverified.issuer') === 'true',
    clockSkewSeconds: num('sasl.oauthbearer.clock.skew.seconds', 30),
    scopeClaimName: get('sasl.oauthbearer.scope.claim.name') ?? 'scope',
    subClaimName: get('sasl.oauthbearer.sub.claim.name') ?? 'sub',
  }, now, warn)
}

// JWKS validators fetch their key set before the listener opens, and stop refreshing at shutdown.
export async function startTokenValidators(validators: (TokenValidator | null | undefined)[]): Promise<void> {
  await Promise.all(validators.map((v) => (v instanceof JwksValidator ? v.start() : undefined)))
}

export function closeTokenValidators(validators: (TokenValidator | null | undefined)[]): void {
  for (const v of validators) v?.close?.()
}
