// Field-level comparison of a message as Kafka's JsonConverter wrote it (numbers as decimal text,
// bytes as base64, tagged fields left out when at Kafka's default) with the same message as
// Rivulet's codec decoded it, walking Rivulet's field specs for that version.
//
// diffs: real differences (a value Kafka and Rivulet disagree on, a field one side lacks).
// names: fields matched by position because their names differ (not a wire difference).

import { fieldsInVersion } from './values.mjs'

const MAX_DIFFS = 12

export function compareMessage(java, ours, fields, version, flexible) {
  const out = { diffs: [], names: [] }
  struct(java, ours, fields, '', { version, flexible, out })
  return out
}

function show(x) {
  let s
  if (Buffer.isBuffer(x)) s = `0x${x.toString('hex')}`
  else if (typeof x === 'bigint') s = `${x}`
  else if (typeof x === 'string') s = JSON.stringify(x)
  else s = JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 77)}...` : s
}

function diff(ctx, path, msg) {
  if (ctx.out.diffs.length < MAX_DIFFS) ctx.out.diffs.push(`${path || '(message)'}: ${msg}`)
  else if (ctx.out.diffs.length === MAX_DIFFS) ctx.out.diffs.push('... (more)')
}

function isDefault(v, d) {
  if (v === undefined || v === d) return true
  if (typeof v === 'bigint' || typeof d === 'bigint') return d !== undefined && d !== null && BigInt(v) === BigInt(d)
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(d) && d.length === 0
  if (Buffer.isBuffer(v)) return Buffer.isBuffer(d) && v.equals(d)
  if (v && typeof v === 'object' && d && typeof d === 'object') return Object.entries(v).every(([k, x]) => isDefault(x, d[k]))
  return false
}

function struct(java, ours, fields, path, ctx) {
  if (java === null || typeof java !== 'object' || Array.isArray(java)) return diff(ctx, path, `Kafka has ${show(java)}, Rivulet a struct`)
  if (ours === null || typeof ours !== 'object') return diff(ctx, path, `Kafka has a struct, Rivulet ${show(ours)}`)
  const inVersion = fieldsInVersion(fields, ctx.version, ctx.flexible)
  const javaKeys = Object.keys(java)
  const ourNames = new Set(inVersion.map(([n]) => n))
  const at = (n) => (path ? `${path}.${n}` : n)
  const onlyJava = javaKeys.filter((k) => !ourNames.has(k))
  const onlyOurs = []
  for (const [name, spec] of inVersion) {
    if (name in java) value(java[name], ours[name], spec, at(name), ctx)
    // Kafka's JsonConverter leaves a tagged field out when it holds Kafka's default.
    else if (spec.tag !== undefined) {
      if (!isDefault(ours[name], spec.default)) {
        if (onlyJava.length === 0) diff(ctx, at(name), `Kafka reads tagged field ${name} as its default (left out), Rivulet has ${show(ours[name])} (Rivulet default ${show(spec.default)})`)
        else onlyOurs.push([name, spec])
      }
    } else onlyOurs.push([name, spec])
  }
  if (onlyJava.length === 0 && onlyOurs.length === 0) return
  if (onlyJava.length === onlyOurs.length) {
    onlyJava.forEach((k, i) => {
      const [name, spec] = onlyOurs[i]
      ctx.out.names.push(`${at(name)} is Kafka's ${k}`)
      value(java[k], ours[name], spec, at(name), ctx)
    })
    return
  }
  diff(
    ctx,
    path,
    `field sets differ: Kafka has ${onlyJava.map((k) => `${k}=${show(java[k])}`).join(', ') || 'nothing more'}; Rivulet has ${onlyOurs.map(([n]) => `${n}=${show(ours[n])}`).join(', ') || 'nothing more'}`,
  )
}

function value(java, ours, spec, path, ctx) {
  if (java === null || ours === null || ours === undefined) {
    if (java === null && (ours === null || ours === undefined)) return
    return diff(ctx, path, `Kafka ${show(java)} ≠ Rivulet ${show(ours)}`)
  }
  switch (spec.kind) {
    case 'struct':
      return struct(java, ours, spec.fields, path, ctx)
    case 'array': {
      if (!Array.isArray(java) || !Array.isArray(ours)) return diff(ctx, path, `Kafka ${show(java)} ≠ Rivulet ${show(ours)}`)
      if (java.length !== ours.length) return diff(ctx, path, `Kafka has ${java.length} elements, Rivulet ${ours.length}`)
      for (let i = 0; i < java.length; i++) value(java[i], ours[i], spec.element, `${path}[${i}]`, ctx)
      return
    }
    case 'float64':
      if (parseFloat(java) !== ours) diff(ctx, path, `Kafka ${java} ≠ Rivulet ${ours}`)
      return
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
      if (String(java) !== String(ours)) diff(ctx, path, `Kafka ${java} ≠ Rivulet ${show(ours)}`)
      return
    case 'records':
      // Kafka's JsonConverter never writes record contents (an empty binary node stands in for
      // them); the byte comparison covers them.
      return
    case 'bytes': {
      const mine = Buffer.isBuffer(ours) ? ours.toString('base64') : ours
      if (java !== mine) diff(ctx, path, `Kafka ${show(Buffer.from(String(java), 'base64'))} ≠ Rivulet ${show(ours)}`)
      return
    }
    default:
      if (java !== ours) diff(ctx, path, `Kafka ${show(java)} ≠ Rivulet ${show(ours)}`)
  }
}
