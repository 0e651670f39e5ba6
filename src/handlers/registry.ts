// Every API this broker serves. ApiVersions reports exactly this table.

import type { AnyHandler } from './handler.js'
import { servedRange } from './handler.js'
import apiVersions from './api-versions.js'
import metadata from './metadata.js'
import produce from './produce.js'
import fetch from './fetch.js'
// topic admin
// configs, offsets, producers
// groups

export const handlers: readonly AnyHandler[] = [
  apiVersions, metadata, produce, fetch,
  // topic admin
  // configs, offsets, producers
  // groups
]

export const handlerMap: ReadonlyMap<number, AnyHandler> = new Map(handlers.map((h) => [h.api.key, h]))

let table: { apiKey: number; minVersion: number; maxVersion: number }[] | null = null

export function apiVersionsTable(): { apiKey: number; minVersion: number; maxVersion: number }[] {
  if (!table) {
    table = [...handlers]
      .sort((a, b) => a.api.key - b.api.key)
      .map((h) => {
        const r = servedRange(h)
        return { apiKey: h.api.key, minVersion: r.min, maxVersion: r.max }
      })
  }
  return table
}
