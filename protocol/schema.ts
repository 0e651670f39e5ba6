// One definition per API covers every version, in Kafka's own vocabulary (validVersions,
// flexibleVersions, nullableVersions, tagged fields, defaults; see Kafka's
// clients/src/main/resources/common/message/*.json). Each definition is compiled once per version
// into plain read/write functions, so encoding and decoding do no per-field version checks.

import { ProtocolError, Reader, Writer, ZERO_UUID } from './primitives.js'

export interface Range {
  readonly min: number
  readonly max: number
}

const NONE: Range = { min: 1, max: 0 }

// '3+', '0-4', '2', 'none' — the forms Kafka's JSON definitions use.
export function parseVersions(spec: string): Range {
  if (spec === 'none') return NONE
  const plus = /^(\d+)\+$/.exec(spec)
  if (plus) return { min: Number(plus[1]), max: Number.MAX_SAFE_INTEGER }
  const range = /^(\d+)-(\d+)$/.exec(spec)
  if (range) return { min: Number(range[1]), max: Number(range[2]) }
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) }
  throw new Error(`bad version spec ${JSON.stringify(spec)}`)
}

export function inRange(r: Range, v: number): boolean {
  return v >= r.min && v <= r.max
}

type Kind =
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64' | 'bool' | 'uuid'
  | 'string' | 'bytes' | 'records' | 'array' | 'struct'

export interface FieldSpec {
  readonly kind: Kind
  readonly versions: Range
  readonly nullable: Range
  readonly default: unknown
  readonly tag: number | undefined
  readonly taggedVersions: Range
  readonly element: FieldSpec | undefined
  readonly fields: Readonly<Record<string, FieldSpec>> | undefined
}

export interface Field<T> {
  readonly __field: true
  readonly spec: FieldSpec
  readonly __type?: T
}

export type Fields = Record<string, Field<unknown>>
export type StructOf<S extends Fields> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never }

// What an encoder accepts: every field may be left out and takes its default, as in Kafka's
// generated message classes.
export type DeepPartial<T> = T extends Buffer | bigint | number | string | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? DeepPartial<E>[]
    : { [K in keyof T]?: DeepPartial<T[K]> }

export interface Opts<T> {
  versions?: string
  default?: T
  tag?: number
  taggedVersions?: string
}
export interface NullableOpts<T> extends Opts<T> {
  nullable?: string
}

function field<T>(kind: Kind, o: NullableOpts<unknown> | undefined, dflt: unknown, nullable = 'none', extra?: Partial<FieldSpec>): Field<T> {
  const tagged = o?.tag !== undefined
  return {
    __field: true,
    spec: {
      kind,
      versions: parseVersions(o?.versions ?? (tagged ? (o?.taggedVersions ?? '0+') : '0+')),
      nullable: parseVersions(o?.nullable ?? nullable),
      default: o && 'default' in o ? o.default : dflt,
      tag: o?.tag,
      taggedVersions: tagged ? parseVersions(o?.taggedVersions ?? o?.versions ?? '0+') : NONE,
      element: extra?.element,
      fields: extra?.fields,
    },
  }
}

function isField(x: unknown): x is Field<unknown> {
  return typeof x === 'object' && x !== null && (x as { __field?: unknown }).__field === true
}

function structSpec(fields: Fields): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = {}
  for (const [name, f] of Object.entries(fields)) out[name] = f.spec
  return out
}

function elementOf(el: Field<unknown> | Fields): FieldSpec {
  return isField(el) ? el.spec : struct(el).spec
}

function struct<S extends Fields>(fields: S, o?: Opts<StructOf<S>>): Field<StructOf<S>> {
  return field('struct', o, undefined, 'none', { fields: structSpec(fields) })
}

// Kafka's nullable structs (nullableVersions on a struct field) carry a marker byte: -1 for null,
// 1 when present.
function nullableStruct<S extends Fields>(fields: S, o?: NullableOpts<StructOf<S> | null>): Field<StructOf<S> | null> {
  return field('struct', o, null, '0+', { fields: structSpec(fields) })
}

function array<E>(el: Field<E>, o?: Opts<E[]>): Field<E[]>
function array<S extends Fields>(el: S, o?: Opts<StructOf<S>[]>): Field<StructOf<S>[]>
function array(el: Field<unknown> | Fields, o?: Opts<unknown[]>): Field<unknown[]> {
  return field('array', o, [], 'none', { element: elementOf(el) })
}

function nullableArray<E>(el: Field<E>, o?: NullableOpts<E[] | null>): Field<E[] | null>
function nullableArray<S extends Fields>(el: S, o?: NullableOpts<StructOf<S>[] | null>): Field<StructOf<S>[] | null>
function nullableArray(el: Field<unknown> | Fields, o?: NullableOpts<unknown[] | null>): Field<unknown[] | null> {
  return field('array', o, null, '0+', { element: elementOf(el) })
}

export const t = {
  int8: (o?: Opts<number>) => field<number>('int8', o, 0),
  int16: (o?: Opts<number>) => field<number>('int16', o, 0),
  int32: (o?: Opts<number>) => field<number>('int32', o, 0),
  int64: (o?: Opts<bigint>) => field<bigint>('int64', o, 0n),
  uint16: (o?: Opts<number>) => field<number>('uint16', o, 0),
  uint32: (o?: Opts<number>) => field<number>('uint32', o, 0),
  float64: (o?: Opts<number>) => field<number>('float64', o, 0),
  bool: (o?: Opts<boolean>) => field<boolean>('bool', o, false),
  uuid: (o?: Opts<string>) => field<string>('uuid', o, ZERO_UUID),
  errorCode: (o?: Opts<number>) => field<number>('int16', o, 0),
  string: (o?: Opts<string>) => field<string>('string', o, ''),
  nullableString: (o?: NullableOpts<string | null>) => field<string | null>('string', o, null, '0+'),
  bytes: (o?: Opts<Buffer>) => field<Buffer>('bytes', o, Buffer.alloc(0)),
  nullableBytes: (o?: NullableOpts<Buffer | null>) => field<Buffer | null>('bytes', o, null, '0+'),
  // Record batches: nullable bytes kept as a view of the frame, never copied or parsed here.
  records: (o?: NullableOpts<Buffer | null>) => field<Buffer | null>('records', o, null, '0+'),
  array,
  nullableArray,
  struct,
  nullableStruct,
}

export interface Codec<T> {
  read(r: Reader): T
  write(w: Writer, v: DeepPartial<T> | undefined): void
}

type ReadFn = (r: Reader) => unknown
type WriteFn = (w: Writer, v: unknown) => void
interface Compiled {
  read: ReadFn
  write: WriteFn
  minSize: number
}

function fixed(read: ReadFn, write: WriteFn, minSize: number): Compiled {
  return { read, write, minSize }
}

function compileLength(flexible: boolean, wide: boolean): { read: (r: Reader) => number; write: (w: Writer, n: number) => void } {
  if (flexible) return { read: (r) => r.compactLength(), write: (w, n) => w.uvarint(n + 1) }
  if (wide) return { read: (r) => r.length32(), write: (w, n) => w.int32(n) }
  return { read: (r) => r.length16(), write: (w, n) => w.int16(n) }
}

function compileSpec(spec: FieldSpec, version: number, flexible: boolean, name: string): Compiled {
  const nullable = inRange(spec.nullable, version)
  switch (spec.kind) {
    case 'int8': return fixed((r) => r.int8(), (w, v) => w.int8(v as number), 1)
    case 'int16': return fixed((r) => r.int16(), (w, v) => w.int16(v as number), 2)
    case 'uint16': return fixed((r) => r.uint16(), (w, v) => w.uint16(v as number), 2)
    case 'int32': return fixed((r) => r.int32(), (w, v) => w.int32(v as number), 4)
    case 'uint32': return fixed((r) => r.uint32(), (w, v) => w.uint32(v as number), 4)
    case 'int64': return fixed((r) => r.int64(), (w, v) => w.int64(BigInt(v as bigint)), 8)
    case 'float64': return fixed((r) => r.float64(), (w, v) => w.float64(v as number), 8)
    case 'bool': return fixed((r) => r.bool(), (w, v) => w.bool(v as boolean), 1)
    case 'uuid': return fixed((r) => r.uuid(), (w, v) => w.uuid(v as string), 16)
    case 'string': {
      const len = compileLength(flexible, false)
      return fixed(
        (r) => {
          const n = len.read(r)
          if (n < 0) {
            if (nullable) return null
            throw new ProtocolError(`non-nullable string ${name} is null`)
          }
          return r.stringOf(n)
        },
        (w, v) => {
          if (v === null || v === undefined) {
            if (nullable) return len.write(w, -1)
            return len.write(w, 0)
          }
          const s = v as string
          const n = Buffer.byteLength(s)
          len.write(w, n)
          w.string(s, n)
        },
        flexible ? 1 : 2,
      )
    }
    case 'bytes':
    case 'records': {
      const len = compileLength(flexible, true)
      return fixed(
        (r) => {
          const n = len.read(r)
          if (n < 0) {
            if (nullable) return null
            throw new ProtocolError(`non-nullable bytes ${name} is null`)
          }
          return r.bytesOf(n, name)
        },
        (w, v) => {
          if (v === null || v === undefined) return len.write(w, nullable ? -1 : 0)
          const b = v as Buffer
          len.write(w, b.length)
          w.raw(b)
        },
        flexible ? 1 : 4,
      )
    }
    case 'array': {
      const len = compileLength(flexible, true)
      const el = compileSpec(spec.element!, version, flexible, `${name}[]`)
      const bound = el.minSize
      return fixed(
        (r) => {
          const n = len.read(r)
          if (n < 0) {
            if (nullable) return null
            throw new ProtocolError(`non-nullable array ${name} is null`)
          }
          // Checked before allocating: a hostile length cannot make us build a huge array.
          if (bound > 0 ? n * bound > r.remaining : n > r.remaining) {
            throw new ProtocolError(`array ${name} claims ${n} elements, only ${r.remaining} bytes left`)
          }
          const out = new Array(n)
          for (let i = 0; i < n; i++) out[i] = el.read(r)
          return out
        },
        (w, v) => {
          if (v === null || v === undefined) return len.write(w, nullable ? -1 : 0)
          const a = v as unknown[]
          len.write(w, a.length)
          for (let i = 0; i < a.length; i++) el.write(w, a[i])
        },
        flexible ? 1 : 4,
      )
    }
    case 'struct': {
      const inner = compileStruct(spec.fields!, version, flexible)
      if (!nullable) return inner
      return fixed(
        (r) => (r.int8() < 0 ? null : inner.read(r)),
        (w, v) => {
          if (v === null || v === undefined) return w.int8(-1)
          w.int8(1)
          inner.write(w, v)
        },
        1,
      )
    }
  }
}

interface CompiledField extends Compiled {
  name: string
  dflt: unknown
}
interface CompiledTagged extends CompiledField {
  tag: number
}

// Kafka writes a tagged field only when it differs from its default; structs compare by field.
function isDefault(v: unknown, dflt: unknown): boolean {
  if (v === undefined || v === dflt) return true
  if (Array.isArray(v)) return v.length === 0 && Array.isArray(dflt) && dflt.length === 0
  if (Buffer.isBuffer(v)) return Buffer.isBuffer(dflt) && v.equals(dflt)
  if (typeof v === 'object' && v !== null && typeof dflt === 'object' && dflt !== null) {
    const d = dflt as Record<string, unknown>
    return Object.entries(v).every(([k, x]) => isDefault(x, d[k]))
  }
  return false
}

function compileStruct(fields: Readonly<Record<string, FieldSpec>>, version: number, flexible: boolean): Compiled {
  const regular: CompiledField[] = []
  const absent: { name: string; dflt: unknown }[] = []
  const tagged: CompiledTagged[] = []
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.tag !== undefined) {
      if (flexible && inRange(spec.taggedVersions, version)) {
        tagged.push({ ...compileSpec(spec, version, flexible, name), name, dflt: spec.default, tag: spec.tag })
      } else {
        absent.push({ name, dflt: spec.default })
      }
    } else if (inRange(spec.versions, version)) {
      regular.push({ ...compileSpec(spec, version, flexible, name), name, dflt: spec.default })
    } else {
      absent.push({ name, dflt: spec.default })
    }
  }
  tagged.sort((a, b) => a.tag - b.tag)
  const byTag = new Map(tagged.map((f) => [f.tag, f]))
  const minSize = regular.reduce((n, f) => n + f.minSize, 0) + (flexible ? 1 : 0)

  const read = (r: Reader): unknown => {
    const obj: Record<string, unknown> = {}
    for (let i = 0; i < regular.length; i++) obj[regular[i]!.name] = regular[i]!.read(r)
    for (let i = 0; i < absent.length; i++) obj[absent[i]!.name] = copyDefault(absent[i]!.dflt)
    if (flexible) {
      for (let i = 0; i < tagged.length; i++) obj[tagged[i]!.name] = copyDefault(tagged[i]!.dflt)
      const n = r.uvarint()
      for (let i = 0; i < n; i++) {
        const tag = r.uvarint()
        const size = r.uvarint()
        r.need(size, 'tagged field')
        const f = byTag.get(tag)
        if (f) {
          const sub = new Reader(r.buf, r.pos, r.pos + size)
          obj[f.name] = f.read(sub)
        }
        r.pos += size
      }
    }
    return obj
  }

  const write = (w: Writer, v: unknown): void => {
    const obj = (v ?? {}) as Record<string, unknown>
    for (let i = 0; i < regular.length; i++) {
      const f = regular[i]!
      const x = obj[f.name]
      f.write(w, x === undefined ? f.dflt : x)
    }
    if (!flexible) return
    let present = 0
    for (let i = 0; i < tagged.length; i++) if (!isDefault(obj[tagged[i]!.name], tagged[i]!.dflt)) present++
    w.uvarint(present)
    if (present === 0) return
    for (let i = 0; i < tagged.length; i++) {
      const f = tagged[i]!
      const x = obj[f.name]
      if (isDefault(x, f.dflt)) continue
      const sub = new Writer(64)
      f.write(sub, x)
      const bytes = sub.toBuffer()
      w.uvarint(f.tag)
      w.uvarint(bytes.length)
      w.raw(bytes)
    }
  }
  return { read, write, minSize }
}

function copyDefault(d: unknown): unknown {
  return Array.isArray(d) ? [] : d
}

export interface ApiDefinition<Req, Res> {
  readonly key: number
  readonly name: string
  readonly valid: Range
  readonly flexible: Range
  // The field specs, for tools that walk a definition (the compat conformance generator).
  readonly fields: { readonly request: Readonly<Record<string, FieldSpec>>; readonly response: Readonly<Record<string, FieldSpec>> }
  isFlexible(version: number): boolean
  request(version: number): Codec<Req>
  response(version: number): Codec<Res>
}

export type RequestOf<A> = A extends ApiDefinition<infer Q, unknown> ? Q : never
export type ResponseOf<A> = A extends ApiDefinition<unknown, infer S> ? S : never
export type RequestInput<A> = DeepPartial<RequestOf<A>>
export type ResponseInput<A> = DeepPartial<ResponseOf<A>>

export interface ApiSpec<Q extends Fields, S extends Fields> {
  key: number
  name: string
  valid: string
  flexible: string
  request: Q
  response: S
}

export function defineApi<Q extends Fields, S extends Fields>(spec: ApiSpec<Q, S>): ApiDefinition<StructOf<Q>, StructOf<S>> {
  const valid = parseVersions(spec.valid)
  const flexible = parseVersions(spec.flexible)
  const requests: Codec<StructOf<Q>>[] = []
  const responses: Codec<StructOf<S>>[] = []
  const reqSpec = structSpec(spec.request)
  const resSpec = structSpec(spec.response)
  // Each version is compiled once, on first use: start-up pays only for the versions clients use.
  const pick = <T>(codecs: Codec<T>[], fields: Record<string, FieldSpec>, v: number): Codec<T> => {
    let c = codecs[v]
    if (!c) {
      if (!inRange(valid, v)) throw new ProtocolError(`${spec.name} v${v} is not supported (valid ${spec.valid})`)
      c = codecs[v] = compileStruct(fields, v, inRange(flexible, v)) as unknown as Codec<T>
    }
    return c
  }
  return {
    key: spec.key,
    name: spec.name,
    valid,
    flexible,
    fields: { request: reqSpec, response: resSpec },
    isFlexible: (v) => inRange(flexible, v),
    request: (v) => pick(requests, reqSpec, v),
    response: (v) => pick(responses, resSpec, v),
  }
}

// A standalone versioned struct (not an API): the records of internal topics and the consumer
// protocol's embedded bytes are written this way by Kafka.
export function defineStruct<S extends Fields>(fields: S, valid: string, flexible = 'none'): (version: number) => Codec<StructOf<S>> {
  const range = parseVersions(valid)
  const flex = parseVersions(flexible)
  const spec = structSpec(fields)
  const codecs: Codec<StructOf<S>>[] = []
  for (let v = range.min; v <= range.max; v++) codecs[v] = compileStruct(spec, v, inRange(flex, v)) as unknown as Codec<StructOf<S>>
  return (v) => {
    const c = codecs[v]
    if (!c) throw new ProtocolError(`struct version ${v} is not supported (valid ${valid})`)
    return c
  }
}
