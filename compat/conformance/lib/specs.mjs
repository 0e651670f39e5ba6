// The APIs and versions the broker advertises, each with the field specs of its definition
// (ApiDefinition.fields: Record<name, FieldSpec> with kind, versions, nullable, default, tag,
// taggedVersions, element, fields).

import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export async function advertisedApis(root) {
  const dist = join(root, 'dist')
  const { handlers } = await import(pathToFileURL(join(dist, 'src/handlers/registry.js')).href)
  const { servedRange } = await import(pathToFileURL(join(dist, 'src/handlers/handler.js')).href)
  const primitives = await import(pathToFileURL(join(dist, 'protocol/primitives.js')).href)
  const apis = [...handlers]
    .sort((a, b) => a.api.key - b.api.key)
    .map((h) => {
      if (!h.api.fields?.request || !h.api.fields?.response) throw new Error(`${h.api.name} exposes no field specs`)
      return { api: h.api, served: servedRange(h), fields: h.api.fields }
    })
  return { apis, Reader: primitives.Reader, Writer: primitives.Writer }
}
