// Regular-expression subscriptions (KIP-848 subscribedTopicRegex). Kafka compiles them with RE2/J
// and matches whole topic names (Pattern.matcher(topic).matches()); here they are JavaScript
// RegExps anchored at both ends. Where the two differ:
// - RE2 has no lookaround and no backreferences; JavaScript has both. Such patterns are refused
//   here (INVALID_REGULAR_EXPRESSION) as RE2/J refuses them, so a pattern valid here is valid on Kafka.
// - RE2's leading inline flags `(?i)`, `(?s)`, `(?m)` become JavaScript flags; flags inside the
//   pattern (`a(?i)b`) and RE2's `\Q...\E` quoting, `\A`, `\z` and POSIX classes `[[:alpha:]]`
//   are not translated: JavaScript reads them differently or refuses them.
// - Topic names are ASCII letters, digits, '.', '_' and '-', so Unicode class differences do not arise.

const cache = new Map<string, RegExp | string>()

// The anchored RegExp, or why the pattern is refused.
export function compileTopicRegex(pattern: string): RegExp | string {
  let hit = cache.get(pattern)
  if (hit === undefined) {
    hit = compile(pattern)
    if (cache.size > 1000) cache.clear()
    cache.set(pattern, hit)
  }
  return hit
}

function compile(pattern: string): RegExp | string {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround is not supported'
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) return 'backreferences are not supported'
  let body = pattern
  let flags = ''
  const lead = /^\(\?([ims]+)\)/.exec(body)
  if (lead) {
    flags = [...new Set(lead[1]!)].join('')
    body = body.slice(lead[0].length)
  }
  try {
    return new RegExp(`^(?:${body})$`, flags)
  } catch (err) {
    return (err as Error).message
  }
}
