// ACL bindings in Kafka's vocabulary and wire codes (org.apache.kafka.common.acl / resource):
// ResourceType, PatternType, AclOperation, AclPermissionType, AclBinding and AclBindingFilter with
// their matching rules (ResourcePatternFilter.matches, AccessControlEntryFilter.matches). No I/O,
// no protocol objects: the ACL handlers translate wire fields to these numbers one to one.

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const
export const AclOperation = {
  UNKNOWN: 0, ANY: 1, ALL: 2, READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8,
  CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
  TWO_PHASE_COMMIT: 15,
} as const
export const AclPermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const

export type ResourceTypeCode = (typeof ResourceType)[keyof typeof ResourceType]
export type OperationCode = (typeof AclOperation)[keyof typeof AclOperation]

// ResourcePattern.WILDCARD_RESOURCE and the wildcard principal (AclEntry.WILDCARD_PRINCIPAL_STRING).
export const WILDCARD = '*'
export const WILDCARD_PRINCIPAL = 'User:*'
// Resource.CLUSTER_NAME: the one name a CLUSTER resource has.
export const CLUSTER_NAME = 'kafka-cluster'

export interface AclBinding {
  resourceType: number
  resourceName: string
  patternType: number
  principal: string
  host: string
  operation: number
  permissionType: number
}

// Nullable strings match anything; ANY codes match anything; MATCH (patterns only) matches the
// bindings that would apply to the named resource.
export interface AclBindingFilter {
  resourceType: number
  resourceName: string | null
  patternType: number
  principal: string | null
  host: string | null
  operation: number
  permissionType: number
}

// AclEntry.supportedOperations: what authorized-operations bit fields report, per resource type.
const SUPPORTED: Readonly<Record<number, readonly number[]>> = {
  [ResourceType.TOPIC]: [3, 4, 5, 6, 7, 8, 10, 11],
  [ResourceType.GROUP]: [3, 6, 8, 10, 11],
  [ResourceType.CLUSTER]: [5, 7, 8, 9, 10, 11, 12],
  [ResourceType.TRANSACTIONAL_ID]: [4, 8],
  [ResourceType.DELEGATION_TOKEN]: [8],
  [ResourceType.USER]: [13, 14],
}

export function supportedOperations(resourceType: number): readonly number[] {
  return SUPPORTED[resourceType] ?? []
}

// Utils.to32BitField over AclOperation codes.
export function toBitField(operations: Iterable<number>): number {
  let bits = 0
  for (const op of operations) bits |= 1 << op
  return bits
}

// Codes outside the enums decode as UNKNOWN in Kafka (AclOperation.fromCode and friends).
export function known<T extends Record<string, number>>(codes: T, code: number): number {
  return Object.values(codes).includes(code) ? code : 0
}

const TYPE_NAMES = Object.fromEntries(Object.entries(ResourceType).map(([k, v]) => [v, k]))
export function resourceTypeName(code: number): string {
  return TYPE_NAMES[code] ?? 'UNKNOWN'
}

// ResourcePatternFilter.matches.
function patternMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false
  if (f.patternType !== PatternType.ANY && f.patternType !== PatternType.MATCH && f.patternType !== b.patternType) return false
  if (f.resourceName === null) return true
  if (f.patternType === PatternType.ANY || f.patternType === b.patternType) return f.resourceName === b.resourceName
  // MATCH: the binding applies to the resource named by the filter.
  if (b.patternType === PatternType.LITERAL) return f.resourceName === b.resourceName || b.resourceName === WILDCARD
  return f.resourceName.startsWith(b.resourceName)
}

// AclBindingFilter.matches (pattern, then AccessControlEntryFilter.matches).
export function filterMatches(f: AclBindingFilter, b: AclBinding): boolean {
  if (!patternMatches(f, b)) return false
  if (f.principal !== null && f.principal !== b.principal) return false
  if (f.host !== null && f.host !== b.host) return false
  if (f.operation !== AclOperation.ANY && f.operation !== b.operation) return false
  return f.permissionType === AclPermissionType.ANY || f.permissionType === b.permissionType
}

// AclControlManager.validateFilter: filters with an UNKNOWN code are refused.
export function filterError(f: AclBindingFilter): string | null {
  if (f.resourceType === ResourceType.UNKNOWN || f.patternType === PatternType.UNKNOWN) return 'Unknown patternFilter.'
  if (f.operation === AclOperation.UNKNOWN || f.permissionType === AclPermissionType.UNKNOWN) return 'Unknown entryFilter.'
  return null
}

// AclControlManager.validateNewAcl plus AclApis' CLUSTER name check and StandardAcl's principal
// parse (SecurityUtils.parseKafkaPrincipal: "Type:name").
export function bindingError(b: AclBinding): string | null {
  if (b.resourceType === ResourceType.UNKNOWN || b.resourceType === ResourceType.ANY) return `Invalid resourceType ${resourceTypeName(b.resourceType)}`
  if (b.resourceType === ResourceType.CLUSTER && b.resourceName !== CLUSTER_NAME) return `The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`
  if (b.resourceName === '') return 'Invalid empty resource name'
  if (b.patternType !== PatternType.LITERAL && b.patternType !== PatternType.PREFIXED) return `Invalid patternType ${nameOf(PatternType, b.patternType)}`
  if (b.operation === AclOperation.UNKNOWN || b.operation === AclOperation.ANY) return `Invalid operation ${nameOf(AclOperation, b.operation)}`
  if (b.permissionType !== AclPermissionType.ALLOW && b.permissionType !== AclPermissionType.DENY) return `Invalid permissionType ${nameOf(AclPermissionType, b.permissionType)}`
  const colon = b.principal.indexOf(':')
  if (colon <= 0) return `expected a string in format principalType:principalName but got ${b.principal}`
  return null
}

function nameOf(codes: Record<string, number>, code: number): string {
  return Object.entries(codes).find(([, v]) => v === code)?.[0] ?? 'UNKNOWN'
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return a.resourceType === b.resourceType && a.resourceName === b.resourceName && a.patternType === b.patternType &&
    a.principal === b.principal && a.host === b.host && a.operation === b.operation && a.permissionType === b.permissionType
}
