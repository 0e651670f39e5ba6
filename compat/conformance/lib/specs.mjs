// The APIs and versions the broker advertises, each with the field specs of its definition.
//
// protocol/schema.ts does not expose the specs it compiles (defineApi keeps them private), so until
// it does (an `api.fields = { request, response }` of FieldSpec records would do) they are captured
// with the module hooks in ./spec-hooks.mjs. This must run before anything else imports dist/.

import { register } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export async function advertisedApis(root) {
  const dist = join(root, 'dist')
  const schemaUrl = pathToFileURL(join(dist, 'protocol/schema.js')).href
  register(new URL('./spec-hooks.mjs', import.meta.url), { data: { schemaUrl } })
  const { handlers } = await import(pathToFileURL(join(dist, 'src/handlers/registry.js')).href)
  const { servedRange } = await import(pathToFileURL(join(dist, 'src/handlers/handler.js')).href)
  const primitives = await import(pathToFileURL(join(dist, 'protocol/primitives.js')).href)
  const apis = [...handlers]
    .sort((a, b) => a.api.key - b.api.key)
    .map((h) => ({ api: h.api, served: servedRange(h), fields: fieldsOf(h.api) }))
  return { apis, Reader: primitives.Reader, Writer: primitives.Writer }
}

// { request, response }: Record<name, FieldSpec> as protocol/schema.ts builds them
// (kind, versions, nullable, default, tag, taggedVersions, element, fields).
function fieldsOf(api) {
  if (api.fields?.request && api.fields?.response) return api.fields
  const spec = globalThis.__rivuletApiSpecs?.get(api)
  if (!spec) throw new Error(`no field specs captured for ${api.name}: was dist/ imported before the hooks were registered?`)
  const unwrap = (fields) => Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.spec]))
  return { request: unwrap(spec.request), response: unwrap(spec.response) }
}
