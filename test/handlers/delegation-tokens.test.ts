// Delegation token APIs without delegation tokens, as Kafka 4.4.0 answers them (compared by hand
// with a probe through our codec): PLAINTEXT connections may not ask for tokens at all
// (DELEGATION_TOKEN_REQUEST_NOT_ALLOWED); an authenticated SASL connection learns that token
// authentication is disabled (DELEGATION_TOKEN_AUTH_DISABLED). A failed create names the owner and,
// v3, the requester.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CreateDelegationToken } from '../../protocol/apis/create-delegation-token.js'
import { DescribeDelegationToken } from '../../protocol/apis/describe-delegation-token.js'
import { ExpireDelegationToken } from '../../protocol/apis/expire-delegation-token.js'
import { RenewDelegationToken } from '../../protocol/apis/renew-delegation-token.js'
import { SaslAuthenticate } from '../../protocol/apis/sasl-authenticate.js'
import { SaslHandshake } from '../../protocol/apis/sasl-handshake.js'
import { ErrorCode as E } from '../../protocol/errors.js'
import { startTestBroker, type TestBroker } from '../helpers/broker.js'
import { TestClient } from '../helpers/client.js'

let tb: TestBroker
const port = (name: string) => tb.listeners.find((l) => l.name === name)!.port

beforeAll(async () => {
  tb = await startTestBroker({
    users: { alice: 'alice-secret' },
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    },
  })
})
afterAll(async () => {
  await tb?.cleanup()
})

async function codes(c: TestClient) {
  const out: Record<string, number[]> = { create: [], renew: [], expire: [], describe: [] }
  for (const v of [1, 2, 3]) out.create!.push((await c.send(CreateDelegationToken, v, { renewers: [], maxLifetimeMs: -1n })).errorCode)
  for (const v of [1, 2]) out.renew!.push((await c.send(RenewDelegationToken, v, { hmac: Buffer.from('ab'), renewPeriodMs: -1n })).errorCode)
  for (const v of [1, 2]) out.expire!.push((await c.send(ExpireDelegationToken, v, { hmac: Buffer.from('ab'), expiryTimePeriodMs: -1n })).errorCode)
  for (const v of [1, 2, 3]) out.describe!.push((await c.send(DescribeDelegationToken, v, { owners: null })).errorCode)
  return out
}
const every = (code: number) => ({ create: [code, code, code], renew: [code, code], expire: [code, code], describe: [code, code, code] })

describe('delegation tokens', () => {
  it('PLAINTEXT: DELEGATION_TOKEN_REQUEST_NOT_ALLOWED at every version; a create names User:ANONYMOUS', async () => {
    const c = await TestClient.connect(port('PLAINTEXT'))
    expect(await codes(c)).toEqual(every(E.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED))
    const res = await c.send(CreateDelegationToken, 3, { ownerPrincipalType: null, ownerPrincipalName: null, renewers: [], maxLifetimeMs: -1n })
    expect(res).toEqual({
      errorCode: E.DELEGATION_TOKEN_REQUEST_NOT_ALLOWED, principalType: 'User', principalName: 'ANONYMOUS',
      tokenRequesterPrincipalType: 'User', tokenRequesterPrincipalName: 'ANONYMOUS',
      issueTimestampMs: -1n, expiryTimestampMs: -1n, maxTimestampMs: -1n, tokenId: '', hmac: Buffer.alloc(0), throttleTimeMs: 0,
    })
    await c.close()
  })

  it('SASL: DELEGATION_TOKEN_AUTH_DISABLED; a create for another owner names that owner and the requester', async () => {
    const c = await TestClient.connect(port('SASL_PLAINTEXT'))
    expect((await c.send(SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0)
    expect((await c.send(SaslAuthenticate, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-secret') })).errorCode).toBe(0)
    expect(await codes(c)).toEqual(every(E.DELEGATION_TOKEN_AUTH_DISABLED))
    const res = await c.send(CreateDelegationToken, 3, { ownerPrincipalType: 'User', ownerPrincipalName: 'bob', renewers: [], maxLifetimeMs: -1n })
    expect([res.principalType, res.principalName, res.tokenRequesterPrincipalType, res.tokenRequesterPrincipalName]).toEqual(['User', 'bob', 'User', 'alice'])
    await c.close()
  })
})
