// A three-way merge of JSON documents (issue 11 part 2): brokers over one store each change their
// copy of a metadata document (cluster.json, credentials, quotas, ACLs) and write it back under a
// version; when another broker wrote first, the two changes since the common base are combined
// key by key, so concurrent changes to different topics, configs or principals both survive. A
// key both changed differently keeps this broker's value: the later writer wins, as the later of
// two racing AlterConfigs does on Kafka.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

// Lists of named entries (cluster.json's topics) merge entry by entry, by name.
function namedList(v: unknown): Map<string, Json> | null {
  if (!Array.isArray(v)) return null
  const m = new Map<string, Json>()
  for (const e of v) {
    if (!isObject(e) || typeof e.name !== 'string' || m.has(e.name)) return null
    m.set(e.name, e)
  }
  return m
}

// undefined: the key is absent (deleted, or never there).
export function mergeValues(base: Json | undefined, ours: Json | undefined, theirs: Json | undefined): Json | undefined {
  if (equal(ours, base)) return theirs
  if (equal(theirs, base) || equal(ours, theirs)) return ours
  if (isObject(ours) && isObject(theirs)) {
    const b = isObject(base) ? base : {}
    const out: Record<string, Json> = {}
    for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      const v = mergeValues(b[k], ours[k], theirs[k])
      if (v !== undefined) out[k] = v
    }
    return out
  }
  const [nb, no, nt] = [namedList(base ?? []), namedList(ours), namedList(theirs)]
  if (nb && no && nt) {
    const out: Json[] = []
    for (const k of new Set([...no.keys(), ...nt.keys()])) {
      const v = mergeValues(nb.get(k), no.get(k), nt.get(k))
      if (v !== undefined) out.push(v)
    }
    return out
  }
  return ours
}

// The merged text, or `ours` when any side is not JSON (meta.properties: the later writer wins).
// A null text is an absent document.
export function mergeDocuments(base: string | null, ours: string | null, theirs: string | null): string | null {
  if (ours === base) return theirs
  if (theirs === base || theirs === ours) return ours
  const parse = (t: string | null): { ok: boolean; v: Json | undefined } => {
    if (t === null) return { ok: true, v: undefined }
    try {
      return { ok: true, v: JSON.parse(t) as Json }
    } catch {
      return { ok: false, v: undefined }
    }
  }
  const [b, o, t] = [parse(base), parse(ours), parse(theirs)]
  if (!b.ok || !o.ok || !t.ok) return ours
  const merged = mergeValues(b.v, o.v, t.v)
  return merged === undefined ? null : JSON.stringify(merged, null, 1)
}
