// GET /metrics in Prometheus' text format, through prom-client (which escapes, formats and adds
// Node's process and runtime metrics: process_resident_memory_bytes, nodejs_eventloop_lag_*, ...).
// prom-client is imported here, only when the admin port is on: a broker without it never loads
// it (start-up and idle RSS unchanged; numbers in bench/RESULTS.md). The broker's own metrics are
// registered as collectors that read their values at scrape time (collectors.ts).

import type { AdminRoute } from '../routes.js'
import { collectors, type MetricSpec, type MetricsSources } from './collectors.js'

export async function metricsRoutes(src: MetricsSources): Promise<AdminRoute[]> {
  const prom = await import('prom-client')
  const registry = new prom.Registry()
  // prom-client samples event-loop delay with a timer of this resolution: its default, 10 ms, woke
  // an idle broker 100 times a second (0.6% of a core here); 100 ms still sees every stall worth a graph.
  prom.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 })
  for (const spec of collectors(src)) registry.registerMetric(asPromMetric(spec) as unknown as Parameters<typeof registry.registerMetric>[0])
  return [
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => ({ status: 200, text: await registry.metrics(), contentType: registry.contentType }),
    },
  ]
}

// prom-client formats any registered object whose get() returns a name, help, type and values
// (values may carry their own metricName, as its Histogram's _bucket/_sum/_count do).
function asPromMetric(spec: MetricSpec): object {
  return {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    aggregator: 'sum',
    get: async () => ({ name: spec.name, help: spec.help, type: spec.type, aggregator: 'sum', values: spec.values() }),
    reset: () => {},
  }
}
