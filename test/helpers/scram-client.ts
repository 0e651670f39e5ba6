// The client side of SCRAM (RFC 5802) for tests that need to misbehave: replay, tamper with the
// nonce or the proof. Independent of the broker's ScramServer except for node:crypto.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'

export class ScramClient {
  readonly nonce = randomBytes(12).toString('base64url')
  private serverFirst = ''
  constructor(readonly hash: 'sha256' | 'sha512', readonly user: string, readonly password: string) {}

  get bare(): string {
    return `n=${this.user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.bare}`)
  }

  // The final message for a server-first message; `nonce` overrides the combined nonce.
  final(serverFirst: Buffer | string, o: { nonce?: string; tamperProof?: boolean } = {}): Buffer {
    this.serverFirst = serverFirst.toString()
    const fields = Object.fromEntries(this.serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]))
    const salted = pbkdf2Sync(this.password, Buffer.from(fields.s!, 'base64'), Number(fields.i), this.hash === 'sha256' ? 32 : 64, this.hash)
    const clientKey = createHmac(this.hash, salted).update('Client Key').digest()
    const storedKey = createHash(this.hash).update(clientKey).digest()
    const withoutProof = `c=biws,r=${o.nonce ?? fields.r}`
    const authMessage = `${this.bare},${this.serverFirst},${withoutProof}`
    const sig = createHmac(this.hash, storedKey).update(authMessage).digest()
    const proof = Buffer.alloc(clientKey.length)
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ sig[i]!
    if (o.tamperProof) proof[0]! ^= 1
    this.expectedServerSignature = createHmac(this.hash, createHmac(this.hash, salted).update('Server Key').digest()).update(authMessage).digest().toString('base64')
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)
  }

  expectedServerSignature = ''
}
