// Share sessions (KIP-932; Kafka's ShareSessionCache): one per (group, member), opened by a
// ShareFetch with epoch 0, closed by epoch -1, and otherwise each request must carry the epoch the
// previous one left (INVALID_SHARE_SESSION_EPOCH), for a session that exists
// (SHARE_SESSION_NOT_FOUND). A session remembers the partitions the member fetches, so later
// requests name only what changed (topics added, forgottenTopicsData removed).

export class ShareSessionError extends Error {
  constructor(readonly code: 'SHARE_SESSION_NOT_FOUND' | 'INVALID_SHARE_SESSION_EPOCH' | 'SHARE_SESSION_LIMIT_REACHED' | 'INVALID_REQUEST', message: string) {
    super(message)
  }
}

export interface SharePartitionRef {
  topicId: string
  partition: number
}

export class ShareSession {
  // The epoch the next request must carry.
  epoch = 1
  // topicId:partition -> ref, in the order the member added them.
  readonly partitions = new Map<string, SharePartitionRef>()
  constructor(readonly groupId: string, readonly memberId: string, readonly connectionId: number) {}

  add(refs: SharePartitionRef[]): void {
    for (const r of refs) this.partitions.set(`${r.topicId}:${r.partition}`, r)
  }

  forget(refs: SharePartitionRef[]): void {
    for (const r of refs) this.partitions.delete(`${r.topicId}:${r.partition}`)
  }

  // ShareRequestMetadata.nextEpoch: wraps from Integer.MAX_VALUE to 1 (0 and -1 are reserved).
  bump(): void {
    this.epoch = this.epoch === 0x7fffffff ? 1 : this.epoch + 1
  }
}

export const INITIAL_EPOCH = 0
export const FINAL_EPOCH = -1

export class ShareSessions {
  private readonly sessions = new Map<string, ShareSession>()

  constructor(private readonly maxSessions: () => number) {}

  private key(groupId: string, memberId: string): string {
    return `${groupId}\u0000${memberId}`
  }

  get size(): number {
    return this.sessions.size
  }

  // Epoch 0: a new session (replacing the member's previous one, as a client that lost its
  // session starts over).
  open(groupId: string, memberId: string, connectionId: number): ShareSession {
    const k = this.key(groupId, memberId)
    if (!this.sessions.has(k) && this.sessions.size >= this.maxSessions()) {
      throw new ShareSessionError('SHARE_SESSION_LIMIT_REACHED', 'The limit of share sessions has been reached.')
    }
    const s = new ShareSession(groupId, memberId, connectionId)
    this.sessions.set(k, s)
    return s
  }

  // Any other epoch: the session must exist and expect exactly this epoch; -1 closes it.
  use(groupId: string, memberId: string, epoch: number): ShareSession {
    const k = this.key(groupId, memberId)
    const s = this.sessions.get(k)
    if (!s) throw new ShareSessionError('SHARE_SESSION_NOT_FOUND', `Share session not found for member ${memberId} of group ${groupId}.`)
    if (epoch === FINAL_EPOCH) {
      this.sessions.delete(k)
      return s
    }
    if (epoch !== s.epoch) throw new ShareSessionError('INVALID_SHARE_SESSION_EPOCH', `Share session epoch ${epoch} does not match the expected epoch ${s.epoch}.`)
    s.bump()
    return s
  }

  // Sessions of a connection that closed (Kafka 4.x ties a share session to its connection).
  closeConnection(connectionId: number): ShareSession[] {
    const out: ShareSession[] = []
    for (const [k, s] of this.sessions) {
      if (s.connectionId === connectionId) {
        this.sessions.delete(k)
        out.push(s)
      }
    }
    return out
  }

  all(): IterableIterator<ShareSession> {
    return this.sessions.values()
  }
}
