// Per-partition fault answers for the APIs whose responses carry an error per partition (Produce,
// Fetch, ListOffsets): the faulted partitions are taken out of the request, the rest is handled
// normally, and the faulted ones come back with the error code in the response, as a Kafka broker
// answers when one partition it hosts is in trouble (e.g. NOT_LEADER_OR_FOLLOWER after a leader
// move) while the others are served. Produce data for a faulted partition is never appended.

// Where an API keeps its topics and partitions, in the request and in the response.
interface Shape {
  reqTopics: string
  reqParts: string
  reqIndex: string
  reqName: string
  resTopics: string
  resParts: string
  resIndex: string
  resName: string
  // The other fields of a faulted partition's response entry (Kafka's "no data" values).
  errorFields: Record<string, unknown>
}

const SHAPES: ReadonlyMap<number, Shape> = new Map([
  [0, { reqTopics: 'topicData', reqParts: 'partitionData', reqIndex: 'index', reqName: 'name', resTopics: 'responses', resParts: 'partitionResponses', resIndex: 'index', resName: 'name', errorFields: { baseOffset: -1n } }],
  [1, { reqTopics: 'topics', reqParts: 'partitions', reqIndex: 'partition', reqName: 'topic', resTopics: 'responses', resParts: 'partitions', resIndex: 'partitionIndex', resName: 'topic', errorFields: { highWatermark: -1n, records: null } }],
  [2, { reqTopics: 'topics', reqParts: 'partitions', reqIndex: 'partitionIndex', reqName: 'name', resTopics: 'topics', resParts: 'partitions', resIndex: 'partitionIndex', resName: 'name', errorFields: { offset: -1n, timestamp: -1n } }],
])

type Obj = Record<string, unknown>

export interface PartitionRef {
  topic: string
  partition: number
}

export function hasPartitions(apiKey: number): boolean {
  return SHAPES.has(apiKey)
}

// The (topic, partition) pairs a request names; `nameOf` resolves a topic id (v13+ Produce/Fetch).
export function requestPartitions(apiKey: number, body: unknown, nameOf: (id: string) => string | undefined): PartitionRef[] {
  const s = SHAPES.get(apiKey)
  if (!s) return []
  const out: PartitionRef[] = []
  for (const t of list((body as Obj)[s.reqTopics])) {
    const topic = topicName(t, s.reqName, nameOf)
    for (const p of list(t[s.reqParts])) out.push({ topic, partition: p[s.reqIndex] as number })
  }
  return out
}

export interface Split {
  // The request without the faulted partitions (null when nothing is left to handle).
  rest: unknown
  // Adds the faulted partitions, with their codes, to a response for `rest`.
  merge(res: unknown): unknown
}

// Splits a request: `codeOf` gives a partition's fault code, or 0 to handle it normally.
export function splitRequest(apiKey: number, body: unknown, nameOf: (id: string) => string | undefined, codeOf: (ref: PartitionRef) => number): Split {
  const s = SHAPES.get(apiKey)!
  const faulted: { t: Obj; entries: Obj[] }[] = []
  let left = 0
  const topics = list((body as Obj)[s.reqTopics]).map((t) => {
    const topic = topicName(t, s.reqName, nameOf)
    const entries: Obj[] = []
    const kept = list(t[s.reqParts]).filter((p) => {
      const code = codeOf({ topic, partition: p[s.reqIndex] as number })
      if (code !== 0) entries.push({ [s.resIndex]: p[s.reqIndex], errorCode: code, ...s.errorFields })
      return code === 0
    })
    left += kept.length
    if (entries.length > 0) faulted.push({ t, entries })
    return { ...t, [s.reqParts]: kept }
  })
  // A fetch holding a partition error answers at once (Kafka's DelayedFetch completes on errors).
  const rest = left === 0 ? null : { ...(body as Obj), [s.reqTopics]: topics.filter((t) => list(t[s.reqParts]).length > 0), ...(apiKey === 1 ? { maxWaitMs: 0 } : {}) }
  return {
    rest,
    merge(res) {
      const out = (res ?? { throttleTimeMs: 0 }) as Obj
      const resTopics = [...list(out[s.resTopics])]
      for (const { t, entries } of faulted) {
        const same = resTopics.findIndex((r) => r[s.resName] === t[s.reqName] && r.topicId === t.topicId)
        if (same >= 0) resTopics[same] = { ...resTopics[same], [s.resParts]: [...list(resTopics[same]![s.resParts]), ...entries] }
        else resTopics.push({ [s.resName]: t[s.reqName], topicId: t.topicId, [s.resParts]: entries })
      }
      return { ...out, [s.resTopics]: resTopics }
    },
  }
}

function topicName(t: Obj, field: string, nameOf: (id: string) => string | undefined): string {
  const name = t[field]
  if (typeof name === 'string' && name !== '') return name
  return typeof t.topicId === 'string' ? (nameOf(t.topicId) ?? t.topicId) : ''
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : []
}
