// Varied values for one message, generated from Rivulet's own field specs (FieldSpec records from
// protocol/schema.ts) for one version. The variants are the ones Conformance.java generates:
//
//   defaults  {} (every field takes its default)
//   nulls     every nullable field null, arrays empty, strings empty, numbers 0, tagged fields unset
//   min       numbers at their minimum, strings empty, one element per array, nullables set, tagged set
//   max       numbers at their maximum, long unicode strings, two elements per array, tagged set
//   long      the outermost arrays hold 130-200 elements (two-byte lengths), inner ones 0-1, short
//             strings and bytes (max has the long ones)
//   random-N  a seeded mixture of all of the above

export const variants = (randomCount = 3) => ['defaults', 'nulls', 'min', 'max', 'long', ...Array.from({ length: randomCount }, (_, i) => `random-${i}`)]

export const inRange = (r, v) => v >= r.min && v <= r.max

// The fields a version puts on the wire, in declaration order (the order compileStruct uses).
export function fieldsInVersion(fields, version, flexible) {
  return Object.entries(fields).filter(([, s]) =>
    s.tag !== undefined ? flexible && inRange(s.taggedVersions, version) : inRange(s.versions, version),
  )
}

const STRINGS = ['', 'a', 'orders', 'ünïcödé', '日本語のトピック', 'emoji 😀🎉 mixed', 'with space and "quotes"', 'x'.repeat(40)]
const LIMITS = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-9223372036854775808n, 9223372036854775807n],
}

// mulberry32: small, seedable, good enough for test data.
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function seedOf(...parts) {
  let h = 2166136261
  for (const c of parts.join('/')) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return h >>> 0
}

export function generate(fields, version, flexible, variant, seed) {
  if (variant === 'defaults') return {}
  const rand = rng(seed)
  const int = (n) => Math.floor(rand() * n)
  const randomVariant = variant.startsWith('random')
  let arrayDepth = 0

  const struct = (fs) => {
    const o = {}
    for (const [name, spec] of fieldsInVersion(fs, version, flexible)) {
      if (spec.tag !== undefined) {
        const set = variant === 'nulls' ? false : randomVariant ? int(10) < 7 : true
        if (!set) continue
      }
      o[name] = value(spec)
    }
    return o
  }

  const integer = (kind) => {
    const [min, max] = LIMITS[kind]
    const big = kind === 'int64'
    const conv = (x) => (big ? BigInt(x) : Number(x))
    if (variant === 'nulls') return conv(0)
    if (variant === 'min') return min
    if (variant === 'max') return max
    switch (int(6)) {
      case 0: return min
      case 1: return max
      case 2: return conv(0)
      case 3: return conv(min < 0 ? -1 : 1)
      case 4: return conv(Math.min(int(1000), Number(max)))
      default:
        if (big) {
          const hi = BigInt(int(2 ** 32)) << 32n
          return BigInt.asIntN(64, hi | BigInt(int(2 ** 32)))
        }
        return Number(min) + int(Number(max) - Number(min) + 1)
    }
  }

  const string = () => {
    switch (variant) {
      case 'nulls':
      case 'min': return ''
      case 'max': return 'maximal ünïcödé 日本語 😀 '.repeat(8)
      case 'long': return STRINGS[int(3)]
      default: return STRINGS[int(STRINGS.length)] + (int(10) === 0 ? '-é'.repeat(100) : '')
    }
  }

  const bytes = () => {
    const n = variant === 'nulls' || variant === 'min' ? 0 : variant === 'max' ? 300 : variant === 'long' ? 3 : int(5) === 0 ? 0 : int(40)
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = int(256)
    return b
  }

  const arrayLength = () => {
    switch (variant) {
      case 'nulls': return 0
      case 'min': return 1
      case 'max': return 2
      case 'long': return arrayDepth === 0 ? 130 + int(71) : int(2)
      default: return int(8) === 0 ? (arrayDepth === 0 ? 130 : 0) : int(4)
    }
  }

  const value = (spec) => {
    if (inRange(spec.nullable, version)) {
      const isNull = variant === 'nulls' ? true : randomVariant ? int(4) === 0 : false
      if (isNull) return null
    }
    switch (spec.kind) {
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64':
        return integer(spec.kind)
      case 'float64': {
        const pick = [0, -1.5, 3.25, 1e300, -1e-300, Number.MAX_VALUE, Number.MIN_VALUE]
        return variant === 'nulls' ? 0 : variant === 'min' ? -Number.MAX_VALUE : variant === 'max' ? Number.MAX_VALUE : pick[int(pick.length)]
      }
      case 'bool':
        return variant === 'nulls' || variant === 'min' ? false : variant === 'max' || variant === 'long' ? true : int(2) === 1
      case 'uuid': {
        if (variant === 'nulls') return 'AAAAAAAAAAAAAAAAAAAAAA'
        const b = Buffer.alloc(16)
        for (let i = 0; i < 16; i++) b[i] = int(256)
        return b.toString('base64url')
      }
      case 'string':
        return string()
      case 'bytes':
      case 'records':
        return bytes()
      case 'array': {
        const n = arrayLength()
        const out = []
        arrayDepth++
        for (let i = 0; i < n; i++) out.push(spec.element.kind === 'struct' ? elementStruct(spec.element) : value(spec.element))
        arrayDepth--
        return out
      }
      case 'struct':
        return struct(spec.fields)
      default:
        throw new Error(`unknown field kind ${spec.kind}`)
    }
  }
  // Array elements are never null in Kafka; a struct element is its fields.
  const elementStruct = (spec) => struct(spec.fields)

  return struct(fields)
}
