// DescribeUserScramCredentials 0 and AlterUserScramCredentials 0 (KIP-554), as Kafka's ScramImage
// .describe and ScramControlManager.alterCredentials: per-user results, DUPLICATE_RESOURCE for a
// user named twice, RESOURCE_NOT_FOUND for an unknown one, UNACCEPTABLE_CREDENTIAL for an empty
// name or iterations outside 4096–16384, UNSUPPORTED_SASL_MECHANISM for an unknown mechanism. The
// broker keeps salt, StoredKey, ServerKey and iterations (never the salted password).
// With an authorizer: DESCRIBE (Describe...) and ALTER (Alter...) on the cluster, else CLUSTER_AUTHORIZATION_FAILED.

import { AlterUserScramCredentials } from '../../protocol/apis/alter-user-scram-credentials.js'
import { DescribeUserScramCredentials } from '../../protocol/apis/describe-user-scram-credentials.js'
import { ErrorCode } from '../../protocol/errors.js'
import { credentialFromSaltedPassword, MAX_ITERATIONS, MIN_ITERATIONS, scramMechanism, type ScramCredential, type ScramCredentials } from '../security/scram-credentials.js'
import { Op, requireCluster } from './auth.js'
import { defineHandler } from './handler.js'

export const describeUserScramCredentials = defineHandler({
  api: DescribeUserScramCredentials,
  handle(req, ctx) {
    requireCluster(ctx, Op.DESCRIBE)
    const all = ctx.broker.scramCredentials.users()
    const wanted = new Map<string, boolean>() // name ─▶ named more than once
    if (req.users === null || req.users.length === 0) for (const u of all.keys()) wanted.set(u, false)
    else for (const u of req.users) wanted.set(u.name, wanted.has(u.name))
    const results = [...wanted].map(([user, duplicate]) => {
      if (duplicate) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] }
      const infos = all.get(user)
      if (!infos) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] }
      return { user, errorCode: 0, errorMessage: null, credentialInfos: infos.map((i) => ({ mechanism: i.mechanism, iterations: i.iterations })) }
    })
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, results }
  },
  errorResponse: (_req, errorCode) => ({ errorCode, errorMessage: null, results: [] }),
})

interface ApiError {
  errorCode: number
  errorMessage: string
}

const TWICE: ApiError = { errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' }

function validateNameAndMechanism(name: string, mechanism: number): ApiError | null {
  if (name === '') return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty' }
  if (!scramMechanism(mechanism)) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: 'Unknown SCRAM mechanism' }
  return null
}

export const alterUserScramCredentials = defineHandler({
  api: AlterUserScramCredentials,
  handle(req, ctx) {
    requireCluster(ctx, Op.ALTER)
    const store: ScramCredentials = ctx.broker.scramCredentials
    const deletions = new Map<string, number>()
    const upserts = new Map<string, [number, ScramCredential]>()
    const errors = new Map<string, ApiError>()
    for (const d of req.deletions) {
      if (errors.has(d.name)) continue
      if (deletions.delete(d.name)) {
        errors.set(d.name, TWICE)
        continue
      }
      const err = validateNameAndMechanism(d.name, d.mechanism) ?? (store.has(d.name, d.mechanism) ? null : { errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' })
      if (err) errors.set(d.name, err)
      else deletions.set(d.name, d.mechanism)
    }
    for (const u of req.upsertions) {
      if (errors.has(u.name)) continue
      if (deletions.delete(u.name) || upserts.delete(u.name)) {
        errors.set(u.name, TWICE)
        continue
      }
      let err = validateNameAndMechanism(u.name, u.mechanism)
      if (!err && u.iterations < MIN_ITERATIONS) err = { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too few iterations' }
      else if (!err && u.iterations > MAX_ITERATIONS) err = { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too many iterations' }
      if (err) errors.set(u.name, err)
      else upserts.set(u.name, [u.mechanism, credentialFromSaltedPassword(scramMechanism(u.mechanism)!, Buffer.from(u.salt), Buffer.from(u.saltedPassword), u.iterations)])
    }
    store.apply({ remove: [...deletions], upsert: [...upserts].map(([name, [mech, cred]]) => [name, mech, cred]) })
    const results = [
      ...[...deletions.keys()].map((user) => ({ user, errorCode: 0, errorMessage: null })),
      ...[...upserts.keys()].map((user) => ({ user, errorCode: 0, errorMessage: null })),
      ...[...errors].map(([user, e]) => ({ user, errorCode: e.errorCode, errorMessage: e.errorMessage })),
    ]
    return { throttleTimeMs: 0, results }
  },
  errorResponse: (req, errorCode) => ({ results: [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))].map((user) => ({ user, errorCode, errorMessage: null })) }),
})
