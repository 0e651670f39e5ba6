// Medians, ranges and Rivulet/Kafka ratios from the raw runs.

export function median(a) {
  const s = a.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (!v.length) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/**
 * Group runs by (workload, config, client) and summarize each listed metric per broker.
 * @returns {Array<{workload, config, client, metric, rivulet, kafka, ratio, failures}>}
 */
export function compare(runs, metricsByWorkload) {
  const groups = new Map();
  for (const r of runs) {
    const key = `${r.workload}\u0000${r.config}\u0000${r.client}`;
    if (!groups.has(key)) groups.set(key, { workload: r.workload, config: r.config, client: r.client, runs: [] });
    groups.get(key).runs.push(r);
  }
  const rows = [];
  for (const g of groups.values()) {
    const metrics = metricsByWorkload[g.workload] ?? [];
    for (const metric of metrics) {
      const per = (b) => summarize(g.runs.filter((r) => r.broker === b && r.ok).map((r) => r[metric]));
      const rivulet = per('rivulet');
      const kafka = per('kafka');
      const ratio = rivulet && kafka && kafka.median ? rivulet.median / kafka.median : null;
      const failures = g.runs.filter((r) => !r.ok).map((r) => ({ broker: r.broker, rep: r.rep, error: r.error }));
      const capped = g.runs.filter((r) => r.ok && r.truncated).map((r) => ({ broker: r.broker, rep: r.rep }));
      rows.push({ workload: g.workload, config: g.config, client: g.client, metric, rivulet, kafka, ratio, failures, capped });
    }
  }
  return rows;
}
