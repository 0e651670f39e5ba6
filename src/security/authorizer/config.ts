// authorizer.class.name as Kafka reads it: empty means no authorizer; Kafka's StandardAuthorizer
// turns ours on, configured by super.users and allow.everyone.if.no.acl.found (its own configs,
// outside KafkaConfig); any other class cannot be loaded here, so start-up fails naming it, as
// Kafka fails on a class it cannot find.

import { STANDARD_AUTHORIZER, StandardAuthorizer } from './standard-authorizer.js'

export { StandardAuthorizer }

// The authorizer's own configs, which Kafka passes through to it (not unknown keys).
export const AUTHORIZER_CONFIGS: ReadonlySet<string> = new Set(['super.users', 'allow.everyone.if.no.acl.found'])

// Kafka 3.x's ZooKeeper-based authorizer: named in the error since old setups carry it.
const ACL_AUTHORIZER = 'kafka.security.authorizer.AclAuthorizer'

export class AuthorizerConfigError extends Error {
  readonly code = 'ERR_AUTHORIZER_CONFIG'
}

interface ConfigSource {
  get(name: string): string | null
}

interface AclStorage {
  readonly root: string
  readText(file: string): string | null
  writeAtomic(file: string, data: string): void
}

// Checked with the other start-up configs, before anything is bound or written.
export function authorizerClassError(value: string | null | undefined): string | null {
  const className = (value ?? '').trim()
  if (className === '' || className === STANDARD_AUTHORIZER) return null
  const hint = className === ACL_AUTHORIZER ? ' (AclAuthorizer needs ZooKeeper, which Kafka 4 removed)' : ''
  return `authorizer.class.name=${className} is not supported${hint}: Rivulet implements ${STANDARD_AUTHORIZER} only`
}

export function newAuthorizer(config: ConfigSource, storage: AclStorage): StandardAuthorizer | null {
  const className = (config.get('authorizer.class.name') ?? '').trim()
  if (className === '') return null
  const error = authorizerClassError(className)
  if (error !== null) throw new AuthorizerConfigError(error)
  const file = `${storage.root}/acls.json`
  return new StandardAuthorizer(
    { superUsers: config.get('super.users') ?? '', allowEveryoneIfNoAclFound: (config.get('allow.everyone.if.no.acl.found') ?? 'false').trim().toLowerCase() === 'true' },
    { readText: () => storage.readText(file), writeAtomic: (text) => storage.writeAtomic(file, text) },
  )
}
