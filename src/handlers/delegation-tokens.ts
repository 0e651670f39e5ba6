// CreateDelegationToken 1–3, RenewDelegationToken 1–2, ExpireDelegationToken 1–2 and
// DescribeDelegationToken 1–3 (KIP-48) without delegation tokens: Kafka 4.4.0 without
// `delegation.token.secret.key` answers DELEGATION_TOKEN_AUTH_DISABLED, and on a connection that
// may not ask for tokens at all (PLAINTEXT, or SSL without a client principal: KafkaApis
// .allowTokenRequests) DELEGATION_TOKEN_REQUEST_NOT_ALLOWED first, so kafka-delegation-tokens and
// Admin.createDelegationToken get Kafka's errors instead of an unsupported API. A failed create
// still names the token's owner (v3: the one asked for, else the requester) and, v3+, the requester,
// as Kafka's CreateDelegationTokenResponse.prepareResponse does. Not implemented: issuing tokens
// and DELEGATION_TOKEN SASL authentication with them.

import { CreateDelegationToken } from '../../protocol/apis/create-delegation-token.js'
import { DescribeDelegationToken } from '../../protocol/apis/describe-delegation-token.js'
import { ExpireDelegationToken } from '../../protocol/apis/expire-delegation-token.js'
import { RenewDelegationToken } from '../../protocol/apis/renew-delegation-token.js'
import { ErrorCode } from '../../protocol/errors.js'
import { defineHandler, type RequestContext } from './handler.js'

const ANONYMOUS = 'User:ANONYMOUS'

function tokenError(ctx: RequestContext): number {
  const protocol = ctx.connection.listener?.securityProtocol ?? 'PLAINTEXT'
  const principal = ctx.connection.principal ?? ANONYMOUS
  if (protocol === 'PLAINTEXT' || (protocol === 'SSL' && principal === ANONYMOUS)) return ErrorCode.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
  return ErrorCode.DELEGATION_TOKEN_AUTH_DISABLED
}

// "User:alice" → ["User", "alice"]: KafkaPrincipal's type and name.
function splitPrincipal(p: string): [string, string] {
  const i = p.indexOf(':')
  return i < 0 ? ['User', p] : [p.slice(0, i), p.slice(i + 1)]
}

function failedCreate(errorCode: number, owner: [string, string], requester: [string, string]) {
  return {
    errorCode,
    principalType: owner[0],
    principalName: owner[1],
    tokenRequesterPrincipalType: requester[0],
    tokenRequesterPrincipalName: requester[1],
    issueTimestampMs: -1n,
    expiryTimestampMs: -1n,
    maxTimestampMs: -1n,
    tokenId: '',
    hmac: Buffer.alloc(0),
    throttleTimeMs: 0,
  }
}

export const createDelegationToken = defineHandler({
  api: CreateDelegationToken,
  handle(req, ctx) {
    const requester = splitPrincipal(ctx.connection.principal ?? ANONYMOUS)
    const owner: [string, string] = req.ownerPrincipalName ? [req.ownerPrincipalType ?? 'User', req.ownerPrincipalName] : requester
    return failedCreate(tokenError(ctx), owner, requester)
  },
  errorResponse: (_req, errorCode, ctx) => {
    const requester = splitPrincipal(ctx.connection.principal ?? ANONYMOUS)
    return failedCreate(errorCode, requester, requester)
  },
})

export const renewDelegationToken = defineHandler({
  api: RenewDelegationToken,
  handle: (_req, ctx) => ({ errorCode: tokenError(ctx), expiryTimestampMs: -1n, throttleTimeMs: 0 }),
  errorResponse: (_req, errorCode) => ({ errorCode, expiryTimestampMs: -1n }),
})

export const expireDelegationToken = defineHandler({
  api: ExpireDelegationToken,
  handle: (_req, ctx) => ({ errorCode: tokenError(ctx), expiryTimestampMs: -1n, throttleTimeMs: 0 }),
  errorResponse: (_req, errorCode) => ({ errorCode, expiryTimestampMs: -1n }),
})

export const describeDelegationToken = defineHandler({
  api: DescribeDelegationToken,
  handle: (_req, ctx) => ({ errorCode: tokenError(ctx), tokens: [], throttleTimeMs: 0 }),
  errorResponse: (_req, errorCode) => ({ errorCode, tokens: [] }),
})
