// Static check of tagged fields against Kafka's JSON definitions (shipped in the kafka-clients
// jars and passed back by Conformance.java): the same tags in every flexible version, and the same
// defaults. A tagged field is written only when it differs from its default and is read as the
// default when absent, so a different default changes bytes on the wire and values after decoding
// in a way random values rarely hit.
//
// Fields are paired as the wire pairs them: regular fields by position, tagged fields by tag.

import { fieldsInVersion, inRange } from './values.mjs'

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'
const INTS = new Set(['int8', 'int16', 'uint16', 'int32', 'uint32', 'int64'])

function parseRange(s) {
  if (!s || s === 'none') return { min: 1, max: 0 }
  if (s.endsWith('+')) return { min: Number(s.slice(0, -1)), max: Number.MAX_SAFE_INTEGER }
  const [a, b] = s.split('-')
  return { min: Number(a), max: Number(b ?? a) }
}

function kafkaInVersion(fields, version, flexible) {
  return (fields ?? []).filter((f) =>
    f.tag !== undefined
      ? flexible && inRange(parseRange(f.taggedVersions), version) && inRange(parseRange(f.versions), version)
      : inRange(parseRange(f.versions), version),
  )
}

function kafkaDefault(f) {
  const t = f.type
  const d = f.default
  if (t.startsWith('[]')) return d === 'null' ? 'null' : '[]'
  if (INTS.has(t)) return d === undefined || d === '' ? '0' : String(BigInt(d))
  if (t === 'float64') return String(Number(d ?? 0))
  if (t === 'bool') return d === 'true' ? 'true' : 'false'
  if (t === 'string') return d === 'null' ? 'null' : JSON.stringify(d ?? '')
  if (t === 'uuid') return JSON.stringify(ZERO_UUID)
  if (t === 'records') return 'null' // Kafka's generator gives records no other default
  if (t === 'bytes') return d === 'null' ? 'null' : '0x'
  return undefined // struct: compared field by field
}

function ourDefault(spec, d) {
  if (d === undefined) return 'undefined'
  if (d === null) return 'null'
  switch (spec.kind) {
    case 'array': return Array.isArray(d) && d.length === 0 ? '[]' : JSON.stringify(d)
    case 'bytes':
    case 'records': return Buffer.isBuffer(d) ? `0x${d.toString('hex')}` : String(d)
    case 'string':
    case 'uuid': return JSON.stringify(d)
    case 'bool': return String(d)
    case 'float64': return String(d)
    default: return INTS.has(spec.kind) ? String(BigInt(d)) : JSON.stringify(d)
  }
}

const lower = (s) => s[0].toLowerCase() + s.slice(1)

export function checkDefaults(selected, ...specSets) {
  const issues = new Map() // message -> versions
  const add = (msg, v) => {
    if (!issues.has(msg)) issues.set(msg, [])
    issues.get(msg).push(v)
  }
  for (const { api, served, fields } of selected) {
    for (const kind of ['request', 'response']) {
      const name = `${api.name}${kind === 'request' ? 'Request' : 'Response'}`
      for (let v = served.min; v <= served.max; v++) {
        if (!api.isFlexible(v)) continue
        const spec = specSets.map((s) => s?.[name]).find((s) => s && inRange(parseRange(s.validVersions), v))
        if (!spec) continue
        const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]))
        const kfields = (f) => f.fields ?? common.get(f.type.replace(/^\[\]/, ''))
        const walk = (ours, theirs, path) => {
          const mine = fieldsInVersion(ours, v, true)
          const kaf = kafkaInVersion(theirs, v, true)
          const at = (n) => (path ? `${path}.${n}` : n)
          const regular = mine.filter(([, s]) => s.tag === undefined)
          const kreg = kaf.filter((f) => f.tag === undefined)
          if (regular.length === kreg.length) {
            regular.forEach(([n, s], i) => {
              const k = kreg[i]
              if (s.kind === 'struct' && kfields(k)) walk(s.fields, kfields(k), at(n))
              else if (s.kind === 'array' && s.element.kind === 'struct' && kfields(k)) walk(s.element.fields, kfields(k), `${at(n)}[]`)
            })
          }
          const byTag = new Map(kaf.filter((f) => f.tag !== undefined).map((f) => [f.tag, f]))
          for (const [n, s] of mine.filter(([, s]) => s.tag !== undefined)) {
            const k = byTag.get(s.tag)
            byTag.delete(s.tag)
            if (!k) {
              add(`${name} ${at(n)}: Rivulet has tag ${s.tag}, Kafka has no such tag here`, v)
              continue
            }
            if (s.kind === 'struct') {
              // Kafka's default is a struct of its fields' defaults; compare with ours per field.
              const sub = kafkaInVersion(kfields(k), v, true)
              const ourSub = fieldsInVersion(s.fields, v, true)
              if (s.default === undefined || s.default === null) {
                add(`${name} ${at(n)} (tag ${s.tag}): Rivulet has no default struct (absent → ${ourDefault(s, s.default)}), Kafka's default is {${sub.map((f) => `${lower(f.name)}: ${kafkaDefault(f)}`).join(', ')}}`, v)
                continue
              }
              sub.forEach((f, i) => {
                const entry = ourSub[i]
                if (!entry) return
                const [subName, subSpec] = entry
                const ours = ourDefault(subSpec, s.default[subName])
                const theirs = kafkaDefault(f)
                if (theirs !== undefined && ours !== theirs) add(`${name} ${at(n)}.${subName} (tag ${s.tag}): Rivulet default ${ours}, Kafka default ${theirs}`, v)
                const fieldDefault = ourDefault(subSpec, subSpec.default)
                if (theirs !== undefined && fieldDefault !== theirs) add(`${name} ${at(n)}.${subName} (tag ${s.tag}, read inside a present struct): Rivulet default ${fieldDefault}, Kafka default ${theirs}`, v)
              })
              continue
            }
            const ours = ourDefault(s, s.default)
            const theirs = kafkaDefault(k)
            if (theirs !== undefined && ours !== theirs) add(`${name} ${at(n)} (tag ${s.tag}): Rivulet default ${ours}, Kafka default ${theirs}`, v)
            if (s.kind === 'array' && s.element.kind === 'struct' && kfields(k)) walk(s.element.fields, kfields(k), `${at(n)}[]`)
          }
          for (const [tag, k] of byTag) add(`${name} ${path ? `${path}.` : ''}${lower(k.name)}: Kafka has tag ${tag}, Rivulet does not read it`, v)
        }
        walk(fields[kind], spec.fields, '')
      }
    }
  }
  return [...issues].map(([msg, vs]) => `${msg} (v${compress(vs)})`)
}

function compress(vs) {
  const out = []
  for (let i = 0; i < vs.length; i++) {
    let j = i
    while (j + 1 < vs.length && vs[j + 1] === vs[j] + 1) j++
    out.push(i === j ? `${vs[i]}` : `${vs[i]}-${vs[j]}`)
    i = j
  }
  return out.join(',')
}

// Every field's default, matched by name (fields a version lacks are read as their default, and a
// value a handler leaves out is written as its default): informational, since it changes no bytes
// by itself, but it is what Kafka's broker would see or send in the same situation.
export function checkFieldDefaults(selected, ...specSets) {
  const notes = []
  for (const { api, served, fields } of selected) {
    for (const kind of ['request', 'response']) {
      const name = `${api.name}${kind === 'request' ? 'Request' : 'Response'}`
      const spec = specSets.map((s) => s?.[name]).find((s) => s && inRange(parseRange(s.validVersions), served.max))
      if (!spec) continue
      const common = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]))
      const kfields = (f) => f.fields ?? common.get(f.type.replace(/^\[\]/, ''))
      const walk = (ours, theirs, path) => {
        const byName = new Map((theirs ?? []).map((f) => [lower(f.name), f]))
        for (const [n, s] of Object.entries(ours)) {
          const k = byName.get(n)
          if (!k) continue
          const at = path ? `${path}.${n}` : n
          if (s.kind === 'struct') {
            if (kfields(k)) walk(s.fields, kfields(k), at)
            continue
          }
          if (s.kind === 'array' && s.element.kind === 'struct' && kfields(k)) walk(s.element.fields, kfields(k), `${at}[]`)
          if (s.tag !== undefined) continue // checkDefaults covers tagged fields
          const ours = ourDefault(s, s.default)
          const theirs = kafkaDefault(k)
          if (theirs !== undefined && ours !== theirs) notes.push(`${name} ${at}: Rivulet default ${ours}, Kafka default ${theirs}`)
        }
      }
      walk(fields[kind], spec.fields, '')
    }
  }
  return notes
}
