// Kafka's StandardAuthorizer (org.apache.kafka.metadata.authorizer), as its clients observe it:
// - super.users (semicolon-separated principals) are allowed everything, before any ACL is read;
// - for a LITERAL resource, the ACLs that apply are the literal ones with its name, the literal
//   wildcard "*" and every PREFIXED one whose name starts it; principal User:<name> or User:*,
//   host the client's address or "*";
// - a matching DENY wins over any ALLOW; DENY matches its operation exactly (or ALL), while an ALLOW
//   of READ, WRITE, DELETE or ALTER also allows DESCRIBE and ALTER_CONFIGS allows DESCRIBE_CONFIGS
//   (StandardAuthorizerData.findResult);
// - no matching ACL: DENIED if any ACL exists for the resource (whoever it names), else
//   allow.everyone.if.no.acl.found decides (default false).
// ACLs are durable in one JSON file beside cluster.json, rewritten atomically on each change, as
// Kafka keeps them in its metadata log. Mutated only by createAcls/deleteAcls.

import {
  AclOperation, AclPermissionType, type AclBinding, type AclBindingFilter, bindingError, filterError, filterMatches,
  PatternType, sameBinding, WILDCARD, WILDCARD_PRINCIPAL,
} from './acl.js'

// The org.apache.kafka.server.authorizer class names that turn this authorizer on.
export const STANDARD_AUTHORIZER = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'

export interface AclFile {
  readText(): string | null
  writeAtomic(text: string): void
}

export interface AuthorizerConfig {
  superUsers: string
  allowEveryoneIfNoAclFound: boolean
}

// Who asks: the connection's principal ("User:alice") and client address.
export interface Requestor {
  principal: string
  host: string
}

export type CreateResult = { error: string | null }
export type DeleteResult = { error: string | null; deleted: AclBinding[] }

// StandardAuthorizer.getConfiguredSuperUsers: split on ';', trimmed, empty entries dropped.
export function parseSuperUsers(value: string): Set<string> {
  return new Set(value.split(';').map((s) => s.trim()).filter((s) => s !== ''))
}

export class StandardAuthorizer {
  private acls: AclBinding[] = []
  readonly superUsers: ReadonlySet<string>
  readonly allowIfNoAcl: boolean

  constructor(config: AuthorizerConfig, private readonly file: AclFile | null = null) {
    this.superUsers = parseSuperUsers(config.superUsers)
    this.allowIfNoAcl = config.allowEveryoneIfNoAclFound
    this.reload()
  }

  // Reads the file again (another broker over a shared store changed it).
  reload(): void {
    const text = this.file?.readText()
    const parsed = text ? (JSON.parse(text) as { acls?: AclBinding[] }) : {}
    this.acls = (parsed.acls ?? []).filter((b) => bindingError(b) === null)
  }

  get aclCount(): number {
    return this.acls.length
  }

  authorize(who: Requestor, operation: number, resourceType: number, resourceName: string): boolean {
    if (this.superUsers.has(who.principal)) return true
    let hasResourceAcls = false
    let allowed = false
    for (const acl of this.acls) {
      if (acl.resourceType !== resourceType || !appliesTo(acl, resourceName)) continue
      hasResourceAcls = true
      const result = findResult(acl, who, operation)
      if (result === 'DENIED') return false
      if (result === 'ALLOWED') allowed = true
    }
    return allowed || (!hasResourceAcls && this.allowIfNoAcl)
  }

  // Authorizer.authorizeByResourceType (the interface's default, which StandardAuthorizer keeps):
  // allowed when some ALLOW binding of this operation (or ALL) on the type is not dominated by a
  // DENY: a literal allow by a literal deny of the same name, any allow by a prefixed deny of one of
  // its prefixes; a literal wildcard DENY denies at once, a literal wildcard ALLOW allows.
  authorizeByResourceType(who: Requestor, operation: number, resourceType: number): boolean {
    if (this.authorize(who, operation, resourceType, 'hardcode')) return true
    const denyLiteral = new Set<string>()
    const denyPrefixed = new Set<string>()
    const allows: AclBinding[] = []
    for (const b of this.acls) {
      if (b.resourceType !== resourceType) continue
      if (b.host !== who.host && b.host !== WILDCARD) continue
      if (b.principal !== who.principal && b.principal !== WILDCARD_PRINCIPAL) continue
      if (b.operation !== operation && b.operation !== AclOperation.ALL) continue
      if (b.permissionType === AclPermissionType.DENY) {
        if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD) return false
        ;(b.patternType === PatternType.LITERAL ? denyLiteral : denyPrefixed).add(b.resourceName)
      } else {
        if (b.patternType === PatternType.LITERAL && b.resourceName === WILDCARD) return true
        allows.push(b)
      }
    }
    return allows.some((a) => {
      if (a.patternType === PatternType.LITERAL && denyLiteral.has(a.resourceName)) return false
      for (let i = 1; i <= a.resourceName.length; i++) if (denyPrefixed.has(a.resourceName.slice(0, i))) return false
      return true
    })
  }

  // Authorizer.acls(filter).
  describe(filter: AclBindingFilter): AclBinding[] {
    return this.acls.filter((b) => filterMatches(filter, b))
  }

  // One result per binding in order; a binding already present is accepted again (Kafka's
  // AclControlManager skips existing ACLs without an error).
  create(bindings: AclBinding[]): CreateResult[] {
    const results = bindings.map((b): CreateResult => {
      const error = bindingError(b)
      if (error === null && !this.acls.some((a) => sameBinding(a, b))) this.acls.push({ ...b })
      return { error }
    })
    if (results.some((r) => r.error === null)) this.save()
    return results
  }

  // One result per filter, each with the bindings it removed (a binding matched by two filters is
  // reported by the first).
  delete(filters: AclBindingFilter[]): DeleteResult[] {
    const results = filters.map((f): DeleteResult => {
      const error = filterError(f)
      if (error !== null) return { error, deleted: [] }
      const deleted = this.acls.filter((b) => filterMatches(f, b))
      if (deleted.length > 0) this.acls = this.acls.filter((b) => !deleted.includes(b))
      return { error: null, deleted }
    })
    if (results.some((r) => r.deleted.length > 0)) this.save()
    return results
  }

  private save(): void {
    this.file?.writeAtomic(JSON.stringify({ version: 1, acls: this.acls }, null, 1))
  }
}

// The resource-name half of StandardAuthorizerData.checkSection for a LITERAL resource.
function appliesTo(acl: AclBinding, name: string): boolean {
  if (acl.patternType === PatternType.PREFIXED) return name.startsWith(acl.resourceName)
  return acl.resourceName === name || acl.resourceName === WILDCARD
}

// StandardAuthorizerData.findResult: null when the ACL does not speak to this principal, host or
// operation.
function findResult(acl: AclBinding, who: Requestor, operation: number): 'ALLOWED' | 'DENIED' | null {
  if (acl.principal !== who.principal && acl.principal !== WILDCARD_PRINCIPAL) return null
  if (acl.host !== WILDCARD && acl.host !== who.host) return null
  if (acl.operation !== AclOperation.ALL) {
    if (acl.permissionType === AclPermissionType.ALLOW) {
      if (operation === AclOperation.DESCRIBE) {
        if (!IMPLIES_DESCRIBE.has(acl.operation)) return null
      } else if (operation === AclOperation.DESCRIBE_CONFIGS) {
        if (!IMPLIES_DESCRIBE_CONFIGS.has(acl.operation)) return null
      } else if (operation !== acl.operation) return null
    } else if (operation !== acl.operation) return null
  }
  return acl.permissionType === AclPermissionType.ALLOW ? 'ALLOWED' : 'DENIED'
}

const IMPLIES_DESCRIBE = new Set<number>([AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER])
const IMPLIES_DESCRIBE_CONFIGS = new Set<number>([AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS])
