// SCRAM credentials as Kafka's controller keeps them (UserScramCredentialRecord): per user and
// mechanism the salt, StoredKey, ServerKey and iterations, never the password or the salted
// password (ScramControlManager.finishUpsertion derives the keys from the client's salted password).
// Durable as one JSON file in the data directory, rewritten atomically on each change.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'

export interface ScramMechanismInfo {
  name: 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  // Kafka's ScramMechanism type byte (AlterUserScramCredentials, DescribeUserScramCredentials).
  type: number
  hash: 'sha256' | 'sha512'
  keyLength: number
}

export const SCRAM_MECHANISMS: readonly ScramMechanismInfo[] = [
  { name: 'SCRAM-SHA-256', type: 1, hash: 'sha256', keyLength: 32 },
  { name: 'SCRAM-SHA-512', type: 2, hash: 'sha512', keyLength: 64 },
]
// Kafka's ScramMechanism minIterations and ScramControlManager.MAX_ITERATIONS.
export const MIN_ITERATIONS = 4096
export const MAX_ITERATIONS = 16384

export function scramMechanism(nameOrType: string | number): ScramMechanismInfo | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === nameOrType || m.type === nameOrType)
}

export interface ScramCredential {
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
  iterations: number
}

// RFC 5802: ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey),
// ServerKey = HMAC(SaltedPassword, "Server Key").
export function credentialFromSaltedPassword(m: ScramMechanismInfo, salt: Buffer, saltedPassword: Buffer, iterations: number): ScramCredential {
  const clientKey = createHmac(m.hash, saltedPassword).update('Client Key').digest()
  return {
    salt,
    storedKey: createHash(m.hash).update(clientKey).digest(),
    serverKey: createHmac(m.hash, saltedPassword).update('Server Key').digest(),
    iterations,
  }
}

export function saltPassword(m: ScramMechanismInfo, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, m.keyLength, m.hash)
}

export function credentialFromPassword(m: ScramMechanismInfo, password: string, iterations = MIN_ITERATIONS): ScramCredential {
  const salt = randomBytes(24)
  return credentialFromSaltedPassword(m, salt, saltPassword(m, password, salt, iterations), iterations)
}

// Where the credentials live: the data directory's storage (or memory), by a file name.
export interface CredentialFile {
  readText(): string | null
  writeAtomic(text: string): void
}

interface StoredEntry {
  user: string
  mechanism: number
  salt: string
  storedKey: string
  serverKey: string
  iterations: number
}

// Mutated only through upsert/remove (AlterUserScramCredentials and start-up users).
export class ScramCredentials {
  private readonly byKey = new Map<string, ScramCredential>()

  constructor(private readonly file: CredentialFile | null = null) {
    this.reload()
  }

  // Reads the file again (another broker over a shared store changed it).
  reload(): void {
    this.byKey.clear()
    const text = this.file?.readText()
    if (!text) return
    const parsed = JSON.parse(text) as { credentials?: StoredEntry[] }
    for (const e of parsed.credentials ?? []) {
      this.byKey.set(key(e.user, e.mechanism), {
        salt: Buffer.from(e.salt, 'base64'),
        storedKey: Buffer.from(e.storedKey, 'base64'),
        serverKey: Buffer.from(e.serverKey, 'base64'),
        iterations: e.iterations,
      })
    }
  }

  get(user: string, mechanismType: number): ScramCredential | undefined {
    return this.byKey.get(key(user, mechanismType))
  }

  has(user: string, mechanismType: number): boolean {
    return this.byKey.has(key(user, mechanismType))
  }

  // Every user with a credential, with its mechanisms and iterations, in mechanism order.
  users(): Map<string, { mechanism: number; iterations: number }[]> {
    const out = new Map<string, { mechanism: number; iterations: number }[]>()
    for (const [k, c] of this.byKey) {
      const { user, mechanism } = splitKey(k)
      const list = out.get(user) ?? []
      list.push({ mechanism, iterations: c.iterations })
      list.sort((a, b) => a.mechanism - b.mechanism)
      out.set(user, list)
    }
    return out
  }

  // Applies a batch of changes and writes the file once.
  apply(changes: { upsert?: [string, number, ScramCredential][]; remove?: [string, number][] }): void {
    for (const [user, mech] of changes.remove ?? []) this.byKey.delete(key(user, mech))
    for (const [user, mech, cred] of changes.upsert ?? []) this.byKey.set(key(user, mech), cred)
    this.save()
  }

  private save(): void {
    if (!this.file) return
    const credentials: StoredEntry[] = []
    for (const [k, c] of this.byKey) {
      const { user, mechanism } = splitKey(k)
      credentials.push({ user, mechanism, salt: c.salt.toString('base64'), storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64'), iterations: c.iterations })
    }
    this.file.writeAtomic(JSON.stringify({ version: 1, credentials }, null, 1))
  }
}

function key(user: string, mechanism: number): string {
  return `${mechanism}\u0000${user}`
}

function splitKey(k: string): { user: string; mechanism: number } {
  const at = k.indexOf('\u0000')
  return { mechanism: Number(k.slice(0, at)), user: k.slice(at + 1) }
}
