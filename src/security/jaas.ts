// Kafka's JAAS config text (`sasl.jaas.config`): `<LoginModule class> <flag> key="value" ...;`.
// Only the options matter here: PlainLoginModule's `user_<name>="<password>"` entries are the PLAIN
// users of a listener (Kafka's PlainServerCallbackHandler reads the same options).

import { ConfigError } from '../config.js'

export interface JaasEntry {
  loginModule: string
  options: Map<string, string>
}

export function parseJaasConfig(text: string, key: string): JaasEntry {
  // A login module class, a control flag, then key=value options, ended by a semicolon.
  const m = /^\s*([A-Za-z0-9_.$]+)\s+(required|requisite|sufficient|optional)\b([\s\S]*?);\s*$/.exec(text)
  if (!m) throw new ConfigError(`Invalid value for configuration ${key}: JAAS config entry not terminated by semi-colon or not of the form '<LoginModule> <flag> key="value" ...;'`)
  const options = new Map<string, string>()
  const body = m[3]!
  const opt = /\s*([^\s=]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/gy
  let at = 0
  while (at < body.length) {
    if (/^\s*$/.test(body.slice(at))) break
    opt.lastIndex = at
    const o = opt.exec(body)
    if (!o) throw new ConfigError(`Invalid value for configuration ${key}: cannot parse the JAAS options near ${JSON.stringify(body.slice(at, at + 20))}`)
    options.set(o[1]!, o[2] !== undefined ? o[2].replace(/\\(.)/g, '$1') : o[3]!)
    at = opt.lastIndex
  }
  return { loginModule: m[1]!, options }
}

// PLAIN users from a PlainLoginModule entry: user_alice="alice-secret" ─▶ alice ─▶ alice-secret.
export function plainUsers(entry: JaasEntry): Map<string, string> {
  const users = new Map<string, string>()
  for (const [k, v] of entry.options) if (k.startsWith('user_')) users.set(k.slice(5), v)
  return users
}
