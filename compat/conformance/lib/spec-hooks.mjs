// Module hooks (node:module register) that let the conformance suite see the field specs behind
// each defineApi() call without touching protocol/: every import of dist/protocol/schema.js is
// answered by a small generated module that re-exports the real one and wraps defineApi to record
// (api object -> spec) in globalThis.__rivuletApiSpecs. The codecs themselves are the real ones.
//
// Registered by ./specs.mjs before anything from dist/ is imported.

let schemaUrl = ''
const SHIM = 'rivulet-conformance:schema-shim'

export function initialize(data) {
  schemaUrl = data.schemaUrl
}

export async function resolve(specifier, context, next) {
  if (specifier === SHIM) return { url: SHIM, shortCircuit: true }
  const r = await next(specifier, context)
  if (r.url === schemaUrl && context.parentURL !== SHIM) return { url: SHIM, shortCircuit: true }
  return r
}

export async function load(url, context, next) {
  if (url !== SHIM) return next(url, context)
  const real = JSON.stringify(schemaUrl)
  const source = `
export * from ${real}
import { defineApi as realDefineApi } from ${real}
const specs = (globalThis.__rivuletApiSpecs ??= new Map())
export function defineApi(spec) {
  const api = realDefineApi(spec)
  specs.set(api, spec)
  return api
}
`
  return { format: 'module', source, shortCircuit: true }
}
