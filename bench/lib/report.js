// bench/RESULTS.md and bench/results/chart.svg (+ chart.png via rsvg-convert when present),
// generated from the raw JSON only (so `node bench/run.js --report-only file.json` reproduces them).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compare, median, summarize } from './stats.js';

const KEPT_SECTIONS = '<!-- sections below are kept by report.js -->'

const THROUGHPUT_WORKLOADS = ['produce', 'produce-size', 'compression', 'consume'];
const METRICS = {
  produce: ['mibPerSec', 'recordsPerSec'],
  'produce-size': ['mibPerSec', 'recordsPerSec'],
  compression: ['mibPerSec', 'recordsPerSec'],
  consume: ['mibPerSec', 'fetchMibPerSec', 'recordsPerSec'],
  'consume-load': ['mibPerSec'],
  latency: ['p50Ms', 'p99Ms', 'p999Ms', 'meanMs'],
  scale: ['createReadyMs', 'createToWritableMs', 'metadataMs', 'metadataMaxMs', 'metadataBytes', 'produceAllFirstMs', 'produceAllMs', 'produceAllMaxMs', 'mibPerSec', 'connectAllMs', 'roundMs', 'produceP50Ms', 'produceP99Ms'],
};
const TITLES = {
  produce: '1. Produce throughput, 1 KiB records',
  'produce-size': '2. Produce throughput by record size',
  compression: '3. Produce throughput, compressed batches',
  consume: '4. Consume throughput, reading from the beginning',
};
const CLIENT_NAMES = {
  java: 'Java (Kafka tools)',
  kafkajs: 'kafkajs',
  ckjs: 'confluent-kafka-javascript',
  raw: 'raw client',
};
const MIB_PER_MB = 1e6 / 1048576;

function fmt(x, unit = '') {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const s = a >= 1000 ? Math.round(x).toLocaleString('en-US') : a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s + unit;
}
const cell = (s) => (s ? `${fmt(s.median)}${s.n > 1 ? ` (${fmt(s.min)}–${fmt(s.max)})` : ''}` : '–');
/** A ratio with enough digits that a pass/fail verdict is never hidden by rounding. */
function ratioText(r, target) {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  let d = r < 0.1 ? 3 : 2;
  if (target !== undefined && Number(r.toFixed(d)) === target && r !== target) d = 3;
  return `${r.toFixed(d)}x`;
}
const ratioCell = (r, target, lowerIsBetter) => {
  if (r === null || r === undefined) return '–';
  const ok = target === undefined ? null : lowerIsBetter ? r <= target : r >= target;
  return `${ratioText(r, target)}${ok === null ? '' : ok ? ' ✅' : ' ❌'}`;
};
const clientName = (c, config = '') => (c === 'java' && /\d\/s /.test(config) ? 'Java client (OpenLoopLatency)' : c === 'java' && /EndToEndLatency/.test(config) ? 'Java (EndToEndLatency tool)' : CLIENT_NAMES[c] ?? c);

function table(headers, rows) {
  if (!rows.length) return '_no data_\n';
  const esc = (v) => String(v).replace(/\|/g, '\\|');
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n') + '\n';
}

function byKey(rows, key) {
  const m = new Map();
  for (const r of rows) { const k = key(r); if (!m.has(k)) m.set(k, []); m.get(k).push(r); }
  return m;
}

/** Summaries used by both the markdown and the chart. */
export function analyze(data) {
  const rows = compare(data.runs.filter((r) => r.workload !== 'consume-load' || true), METRICS);
  const get = (workload, metric) => rows.filter((r) => r.workload === workload && r.metric === metric);
  const startup = [...byKey(data.startup ?? [], (s) => `${s.broker}\u0000${s.mode}\u0000${s.client}`).values()].map((g) => ({
    broker: g[0].broker, mode: g[0].mode, client: g[0].client,
    ack: summarize(g.filter((s) => s.ok).map((s) => s.ackMs)),
    ready: summarize(g.filter((s) => s.ok).map((s) => s.readyMs)),
    importMs: summarize(g.filter((s) => s.ok).map((s) => s.importMs)),
    nodeBootMs: summarize(g.filter((s) => s.ok).map((s) => s.nodeBootMs)),
    formatMs: summarize(g.filter((s) => s.ok).map((s) => s.formatMs)),
    totalMs: summarize(g.filter((s) => s.ok).map((s) => s.totalMs)),
    failures: g.filter((s) => !s.ok).map((s) => s.error),
  }));
  const memPhases = [...new Set((data.memory ?? []).map((m) => m.phase))];
  const memory = memPhases.map((phase) => {
    const per = (b) => summarize((data.memory ?? []).filter((m) => m.phase === phase && m.broker === b).map((m) => m.rssMiB));
    const peak = (b) => summarize((data.memory ?? []).filter((m) => m.phase === phase && m.broker === b).map((m) => m.hwmMiB));
    const dataMiB = (b) => summarize((data.memory ?? []).filter((m) => m.phase === phase && m.broker === b).map((m) => m.dataMiB));
    return { phase, rivulet: per('rivulet'), kafka: per('kafka'), rivuletPeak: peak('rivulet'), kafkaPeak: peak('kafka'), rivuletData: dataMiB('rivulet'), kafkaData: dataMiB('kafka') };
  });
  return { rows, get, startup, memory };
}

function targets(data, a) {
  const out = [];
  // throughput
  for (const [label, workloads] of [['Produce throughput ≥ 1.0x Kafka (workloads 1–3)', ['produce', 'produce-size', 'compression']], ['Consume throughput ≥ 1.0x Kafka (workload 4)', ['consume']]]) {
    const all = a.rows.filter((r) => workloads.includes(r.workload) && r.metric === 'mibPerSec');
    const rs = all.filter((r) => r.ratio !== null);
    const noRatio = all.filter((r) => r.ratio === null && r.failures.length);
    const failedNote = noRatio.length ? `; no ratio for ${noRatio.length} pair(s) whose runs failed (${noRatio.map((r) => `${r.config}, ${clientName(r.client)}: ${r.failures.map((f) => f.broker).join('/')} failed`).join('; ')})` : '';
    if (!rs.length) { out.push([label, all.length ? `no ratio${failedNote}` : 'not measured', all.length ? '❌' : '–']); continue; }
    const pass = rs.filter((r) => r.ratio >= 1).length;
    const worst = rs.reduce((m, r) => (r.ratio < m.ratio ? r : m));
    out.push([label, `${pass} of ${rs.length} (workload, client) pairs; lowest ${ratioText(worst.ratio, 1)} (${worst.config}, ${clientName(worst.client)})${failedNote}`, pass === rs.length && !noRatio.length ? '✅' : '❌']);
  }
  // latency
  const lat = a.rows.filter((r) => r.workload === 'latency' && r.metric === 'p99Ms' && !/closed loop/.test(r.config));
  if (lat.length) {
    const pass = lat.filter((r) => r.ratio !== null && r.ratio <= 0.5).length;
    out.push(['End-to-end p99 ≤ 0.5x Kafka at 5,000 records/s', lat.map((r) => (r.ratio === null ? `${clientName(r.client, r.config)}: no ratio (${r.failures.map((f) => `${f.broker} failed`).join(', ') || 'missing'})` : `${clientName(r.client, r.config)} ${ratioText(r.ratio, 0.5)} (${fmt(r.rivulet?.median)} vs ${fmt(r.kafka?.median)} ms)`)).join('; '), pass === lat.length ? '✅' : '❌']);
  } else out.push(['End-to-end p99 ≤ 0.5x Kafka at 5,000 records/s', 'not measured', '–']);
  // startup
  const st = (mode, client = 'raw') => a.startup.find((s) => s.broker === 'rivulet' && s.mode === mode && s.client === client);
  const cli = st('cli --memory');
  const cliDisk = st('cli --data-dir');
  const emb = st('embedded memory');
  out.push(['Start-up to first acknowledged produce ≤ 150 ms (CLI)', cli?.ack ? `--memory ${fmt(cli.ack.median)} ms, --data-dir ${fmt(cliDisk?.ack?.median)} ms (median of ${cli.ack.n})` : 'not measured', cli?.ack ? (cli.ack.median <= 150 && (!cliDisk?.ack || cliDisk.ack.median <= 150) ? '✅' : '❌') : '–']);
  out.push(['Start-up to first acknowledged produce ≤ 30 ms (embedded)', emb?.ack ? `${fmt(emb.ack.median)} ms from startBroker() (median of ${emb.ack.n}; import ${fmt(emb.importMs?.median)} ms more)` : 'not measured', emb?.ack ? (emb.ack.median <= 30 ? '✅' : '❌') : '–']);
  // memory
  const idle = a.memory.find((m) => m.phase === 'idle');
  out.push(['RSS idle ≤ 60 MB', idle?.rivulet ? `${fmt(idle.rivulet.median)} MiB = ${fmt(idle.rivulet.median / MIB_PER_MB)} MB (Kafka ${fmt(idle.kafka?.median)} MiB)` : 'not measured', idle?.rivulet ? (idle.rivulet.median / MIB_PER_MB <= 60 ? '✅' : '❌') : '–']);
  const after = a.memory.find((m) => /produced \+ consumed/.test(m.phase));
  const restart = a.memory.find((m) => /restart on the stored data/.test(m.phase));
  const settled = a.memory.find((m) => / s later$/.test(m.phase));
  const more = a.memory.find((m) => /restart with .* more stored/.test(m.phase));
  const label = 'RSS does not grow with the amount of data stored';
  if (idle?.rivulet && restart?.rivulet) {
    const grow = restart.rivulet.median - idle.rivulet.median;
    const ok = restart.rivulet.median <= idle.rivulet.median * 1.1 + 5;
    out.push([`${label}: a restart against the empty broker`,
      `idle ${fmt(idle.rivulet.median)} MiB with ${fmt(idle.rivuletData?.median)} MiB stored; idle after a restart on ${fmt(restart.rivuletData?.median)} MiB stored ${fmt(restart.rivulet.median)} MiB (${grow >= 0 ? '+' : ''}${fmt(grow)})${settled?.rivulet ? `, ${fmt(settled.rivulet.median)} MiB ${settled.phase.replace("the same, ", "")}` : ''}; after the consume workload ${fmt(after?.rivulet?.median)} MiB (criterion: restart RSS ≤ 1.1 × idle + 5 MiB)`, ok ? '✅' : '❌']);
  } else out.push([`${label}: a restart against the empty broker`, 'not measured', '–']);
  if (restart?.rivulet && more?.rivulet) {
    const grow = more.rivulet.median - restart.rivulet.median;
    const added = (more.rivuletData?.median ?? 0) - (restart.rivuletData?.median ?? 0);
    out.push([`${label}: the same topics and groups with more bytes`,
      `idle after a restart on ${fmt(restart.rivuletData?.median)} MiB stored ${fmt(restart.rivulet.median)} MiB; on ${fmt(more.rivuletData?.median)} MiB (+${fmt(added)}) ${fmt(more.rivulet.median)} MiB (${grow >= 0 ? '+' : ''}${fmt(grow)}) (criterion: ≤ +1 MiB)`, grow <= 1 ? '✅' : '❌']);
  } else out.push([`${label}: the same topics and groups with more bytes`, 'not measured', '–']);
  return out;
}

function throughputSection(a, workload) {
  const rows = a.get(workload, 'mibPerSec');
  const recs = a.get(workload, 'recordsPerSec');
  const fetch = a.get(workload, 'fetchMibPerSec');
  const body = rows.map((r) => {
    const rr = recs.find((x) => x.config === r.config && x.client === r.client);
    const f = fetch.find((x) => x.config === r.config && x.client === r.client);
    const line = [r.config, clientName(r.client), cell(r.rivulet), cell(r.kafka), ratioCell(r.ratio, 1, false), `${fmt(rr?.rivulet?.median)} / ${fmt(rr?.kafka?.median)}`];
    if (workload === 'consume') line.push(`${fmt(f?.rivulet?.median)} / ${fmt(f?.kafka?.median)}`);
    const notes = r.failures.map((x) => `${x.broker} rep${x.rep}: ${String(x.error).split('\n')[0].slice(0, 120)}`);
    if (r.capped?.length) notes.push(`capped (rated on 5 s windows): ${r.capped.map((x) => `${x.broker} rep${x.rep}`).join(', ')}`);
    line.push(notes.join('; '));
    return line;
  });
  const headers = ['Config', 'Client', 'Rivulet MiB/s', 'Kafka MiB/s', 'Ratio', 'records/s R / K'];
  if (workload === 'consume') headers.push('excl. group join, MiB/s R / K');
  headers.push('Failures / notes');
  return table(headers, body);
}

function latencySection(a) {
  const p50 = a.get('latency', 'p50Ms');
  const p99 = a.get('latency', 'p99Ms');
  const p999 = a.get('latency', 'p999Ms');
  const rows = p99.map((r) => {
    const x50 = p50.find((x) => x.config === r.config && x.client === r.client);
    const x999 = p999.find((x) => x.config === r.config && x.client === r.client);
    const closed = /closed loop/.test(r.config);
    return [r.config, clientName(r.client, r.config), `${cell(x50?.rivulet)} / ${cell(x50?.kafka)}`, `${cell(r.rivulet)} / ${cell(r.kafka)}`, `${cell(x999?.rivulet)} / ${cell(x999?.kafka)}`,
      ratioCell(r.ratio, closed ? undefined : 0.5, true),
      r.failures.length ? r.failures.map((x) => `${x.broker} rep${x.rep}: ${String(x.error).split('\n')[0].slice(0, 120)}`).join('; ') : ''];
  });
  return table(['Config', 'Client', 'p50 ms R / K', 'p99 ms R / K', 'p99.9 ms R / K', 'p99 ratio', 'Failures'], rows);
}

function scaleSection(a) {
  const lines = [];
  const label = {
    createReadyMs: 'create topic until every leader is in Metadata (ms)', metadataMs: 'Metadata v4 for the topic, median of 20 (ms)', metadataBytes: 'Metadata response (bytes)',
    createToWritableMs: 'create topic until every partition has accepted a record (ms)',
    metadataMaxMs: 'Metadata v4 for the topic, slowest of 20 (ms)', produceAllMaxMs: 'Produce to every partition, slowest of 5 (ms)',
    produceAllFirstMs: 'first Produce to every partition, 1 record each, retrying refused partitions (ms)', produceAllMs: 'Produce to every partition, median of 5 (ms)', mibPerSec: 'kafka-producer-perf-test to all partitions (MiB/s)',
    connectAllMs: 'open all, ApiVersions + Metadata + Produce on each (ms)', roundMs: 'all connections produce at once: round time, median of 5 (ms)',
    produceP50Ms: 'per-request produce latency p50 (ms)', produceP99Ms: 'per-request produce latency p99 (ms)',
  };
  for (const r of a.rows.filter((x) => x.workload === 'scale')) {
    if (!r.rivulet && !r.kafka) continue;
    const lowerIsBetter = r.metric !== 'mibPerSec';
    lines.push([r.config, clientName(r.client), label[r.metric] ?? r.metric, cell(r.rivulet), cell(r.kafka), r.ratio === null ? '–' : `${ratioText(r.ratio)}${r.metric === 'metadataBytes' ? '' : lowerIsBetter ? ' (lower is better)' : ''}`]);
  }
  const fails = a.rows.filter((x) => x.workload === 'scale' && x.failures.length && x.metric === METRICS.scale[0]);
  let s = table(['Workload', 'Client', 'Measure', 'Rivulet', 'Kafka', 'Ratio'], lines);
  const allFails = [...new Set(a.rows.filter((x) => x.workload === 'scale').flatMap((x) => x.failures.map((f) => `${x.config} (${x.client}), ${f.broker} rep${f.rep}: ${String(f.error).split('\n')[0].slice(0, 200)}`)))];
  if (allFails.length || fails.length) s += `\nFailures: ${allFails.join('; ')}\n`;
  return s;
}

function startupSection(a) {
  const rows = a.startup.map((s) => {
    const extra = [];
    if (s.ready) extra.push(`ready line ${fmt(s.ready.median)} ms`);
    if (s.importMs) extra.push(`import ${fmt(s.importMs.median)} ms, Node boot ${fmt(s.nodeBootMs?.median)} ms before that`);
    if (s.formatMs) extra.push(`plus storage format ${fmt(s.formatMs.median)} ms before the spawn (total ${fmt(s.totalMs?.median)} ms)`);
    if (s.failures.length) extra.push(`${s.failures.length} failed: ${String(s.failures[0]).slice(0, 160)}`);
    return [s.broker, s.mode, clientName(s.client), cell(s.ack), s.ack?.n ?? 0, extra.join('; ')];
  });
  return table(['Broker', 'Mode', 'Client', 'Spawn → first ack, ms: median (range)', 'n', 'Notes'], rows);
}

function memorySection(a) {
  const rows = a.memory.map((m) => [m.phase, cell(m.rivulet), cell(m.kafka), m.kafka?.median && m.rivulet ? ratioText(m.rivulet.median / m.kafka.median) : '–', `${fmt(m.rivuletPeak?.median)} / ${fmt(m.kafkaPeak?.median)}`, `${fmt(m.rivuletData?.median)} / ${fmt(m.kafkaData?.median)}`]);
  return table(['When', 'Rivulet RSS MiB', 'Kafka RSS MiB (JVM)', 'Ratio', 'Peak RSS so far MiB R / K', 'Data stored MiB R / K'], rows);
}

function commandsSection(data) {
  const seen = new Map();
  for (const r of data.runs) {
    if (!r.command) continue;
    const k = `${r.workload} · ${r.config} · ${r.client}`;
    if (!seen.has(k)) seen.set(k, r.command);
  }
  const lines = [];
  for (const [k, c] of seen) lines.push(`- ${k}:\n  \`${c}\``);
  return lines.join('\n') + '\n';
}

function sessionsSection(data) {
  return table(['Rep', 'Broker', 'Start ms', 'Session s', 'Warm-up produce / consume MiB/s', 'Load avg at start → end', 'Status'],
    data.sessions.map((s) => [s.rep, s.broker, s.startMs ?? '–', s.seconds ?? '–', s.warmup ? (s.warmup.ok ? `${fmt(s.warmup.mibPerSec)} / ${fmt(s.warmup.consumeMibPerSec)}` : `failed: ${String(s.warmup.error).slice(0, 80)}`) : '–', `${(s.loadavgStart ?? []).join(' ')} → ${(s.loadavgEnd ?? []).join(' ')}`, s.ok ? 'ok' : `error: ${String(s.error ?? '').split('\n')[0].slice(0, 160)}`]));
}

// ---------------------------------------------------------------- chart
function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

export function chartSvg(data, a) {
  const W = 1100;
  const labelW = 330;
  const barX = labelW + 10;
  const barW = W - barX - 170;
  const C = { rivulet: '#2b7bb9', kafka: '#e07b39', grid: '#ddd', text: '#222', sub: '#666' };
  const parts = [];
  let y = 0;
  const title = data.quick ? 'Rivulet vs Apache Kafka — QUICK RUN (not representative)' : 'Rivulet vs Apache Kafka';
  parts.push(`<text x="20" y="${(y += 32)}" font-size="20" font-weight="bold" fill="${C.text}">${esc(title)}</text>`);
  parts.push(`<text x="20" y="${(y += 20)}" font-size="12" fill="${C.sub}">${esc(`${data.meta?.machine?.cpus ?? '?'} cores, ${data.meta?.versions?.kafka ? `Kafka ${data.meta.versions.kafka}` : ''}, ${data.options?.reps ?? '?'} A/B repetition(s), ${data.started?.slice(0, 10) ?? ''}. Bars: median; whiskers: min–max.`)}</text>`);
  parts.push(`<rect x="${W - 250}" y="${y - 30}" width="12" height="12" fill="${C.rivulet}"/><text x="${W - 233}" y="${y - 20}" font-size="12">Rivulet</text>`);
  parts.push(`<rect x="${W - 170}" y="${y - 30}" width="12" height="12" fill="${C.kafka}"/><text x="${W - 153}" y="${y - 20}" font-size="12">Kafka</text>`);

  const section = (heading, rows, { log = false, unit, ratioLabel }) => {
    if (!rows.length) return;
    y += 30;
    parts.push(`<text x="20" y="${y}" font-size="15" font-weight="bold" fill="${C.text}">${esc(heading)}</text>`);
    y += 8;
    const vals = rows.flatMap((r) => [r.rivulet?.max, r.kafka?.max, r.rivulet?.min, r.kafka?.min]).filter((v) => Number.isFinite(v) && v > 0);
    const maxV = Math.max(...vals, 1e-9);
    const minV = Math.min(...vals, maxV);
    let scale;
    let ticks;
    if (log) {
      const lo = Math.pow(10, Math.floor(Math.log10(minV)));
      const hi = Math.pow(10, Math.ceil(Math.log10(maxV)));
      scale = (v) => (v <= lo ? 0 : (Math.log10(v / lo) / Math.log10(hi / lo)) * barW);
      ticks = [];
      for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
    } else {
      const step = Math.pow(10, Math.floor(Math.log10(maxV))) / (maxV / Math.pow(10, Math.floor(Math.log10(maxV))) < 2.5 ? 5 : 1);
      const hi = Math.ceil(maxV / step) * step;
      scale = (v) => (v / hi) * barW;
      ticks = [];
      for (let t = 0; t <= hi * 1.0001; t += step) ticks.push(t);
    }
    const top = y + 6;
    const rowH = 30;
    const bottom = top + rows.length * rowH;
    for (const t of ticks) {
      const x = barX + scale(t);
      parts.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${C.grid}"/>`);
      parts.push(`<text x="${x.toFixed(1)}" y="${bottom + 13}" font-size="10" text-anchor="middle" fill="${C.sub}">${esc(fmt(t))}</text>`);
    }
    parts.push(`<text x="${barX + barW / 2}" y="${bottom + 27}" font-size="11" text-anchor="middle" fill="${C.sub}">${esc(unit)}${log ? ' (log scale)' : ''}</text>`);
    rows.forEach((r, i) => {
      const ry = top + i * rowH + 3;
      parts.push(`<text x="${labelW}" y="${ry + 16}" font-size="11.5" text-anchor="end" fill="${C.text}">${esc(r.label)}</text>`);
      [['rivulet', 0], ['kafka', 12]].forEach(([b, dy]) => {
        const s = r[b];
        if (!s) return;
        const w = Math.max(1, scale(s.median));
        parts.push(`<rect x="${barX}" y="${ry + dy}" width="${w.toFixed(1)}" height="11" fill="${C[b]}"/>`);
        if (s.n > 1) parts.push(`<line x1="${(barX + scale(s.min)).toFixed(1)}" y1="${ry + dy + 5.5}" x2="${(barX + scale(s.max)).toFixed(1)}" y2="${ry + dy + 5.5}" stroke="#000" stroke-width="1"/>`);
        parts.push(`<text x="${(barX + Math.max(w, s.n > 1 ? scale(s.max) : 0) + 4).toFixed(1)}" y="${ry + dy + 9.5}" font-size="9.5" fill="${C.sub}">${esc(fmt(s.median))}</text>`);
      });
      if (r.ratio !== null && r.ratio !== undefined) {
        const good = r.good === undefined ? null : r.good;
        parts.push(`<text x="${W - 20}" y="${ry + 16}" font-size="12" text-anchor="end" font-weight="bold" fill="${good === null ? C.text : good ? '#1a7f37' : '#c0392b'}">${ratioText(r.ratio, r.target)}</text>`);
      } else if (!r.rivulet || (!r.kafka && !data.options?.noKafka)) {
        parts.push(`<text x="${barX + 4}" y="${ry + (r.rivulet ? 21 : 9)}" font-size="9.5" fill="#c0392b">${r.rivulet ? 'Kafka' : 'Rivulet'}: failed or not run</text>`);
      }
    });
    parts.push(`<text x="${W - 20}" y="${top - 4}" font-size="10" text-anchor="end" fill="${C.sub}">${esc(ratioLabel)}</text>`);
    y = bottom + 30;
  };

  const tput = [];
  for (const w of THROUGHPUT_WORKLOADS) {
    for (const r of a.get(w, 'mibPerSec')) tput.push({ label: `${r.config} · ${clientName(r.client)}`, rivulet: r.rivulet, kafka: r.kafka, ratio: r.ratio, target: 1, good: r.ratio === null ? undefined : r.ratio >= 1 });
  }
  section('Throughput (MiB/s of record values; higher is better)', tput, { unit: 'MiB/s', ratioLabel: 'Rivulet/Kafka (target ≥ 1.0x)' });
  const lat = [];
  for (const metric of ['p50Ms', 'p99Ms', 'p999Ms']) {
    for (const r of a.get('latency', metric)) {
      const closed = /closed loop/.test(r.config);
      const short = { java: 'Java client', kafkajs: 'kafkajs', ckjs: 'confluent-kafka-js' }[r.client] ?? r.client;
      lat.push({ label: `${metric.replace('Ms', '').replace('p999', 'p99.9')} · ${closed ? 'EndToEndLatency tool (closed loop)' : `${short}, fixed rate`}`, rivulet: r.rivulet, kafka: r.kafka, ratio: r.ratio, target: metric === 'p99Ms' && !closed ? 0.5 : undefined, good: metric === 'p99Ms' && !closed && r.ratio !== null ? r.ratio <= 0.5 : undefined });
    }
  }
  const L = data.profile?.latency;
  section(`End-to-end latency (ms; lower is better)${L ? `: ${L.rate.toLocaleString('en-US')} records/s of ${L.size} B` : ''}`, lat, { log: true, unit: 'ms', ratioLabel: 'Rivulet/Kafka (p99 target ≤ 0.5x)' });
  const H = y + 10;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">\n<rect width="${W}" height="${H}" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}

// ---------------------------------------------------------------- markdown
export function writeReport(data, { benchDir, resultsDir }) {
  const a = analyze(data);
  const svg = chartSvg(data, a);
  fs.mkdirSync(resultsDir, { recursive: true });
  const svgFile = path.join(resultsDir, 'chart.svg');
  fs.writeFileSync(svgFile, svg);
  let png = null;
  const conv = spawnSync('rsvg-convert', ['-f', 'png', '-o', path.join(resultsDir, 'chart.png'), svgFile], { encoding: 'utf8' });
  if (conv.status === 0) png = 'results/chart.png';

  const m = data.meta ?? {};
  const o = data.options ?? {};
  const md = [];
  md.push('# Rivulet vs Apache Kafka: benchmark results\n');
  if (data.quick) {
    md.push('> **Quick run (not representative).** Produced by `node bench/run.js --quick`: small volumes, one repetition, on a shared machine while other work was running. It shows that the harness works end to end; the numbers are not a measurement of either broker. A full run (`npm run bench`) replaces this file.\n');
  }
  md.push(`Generated by \`bench/run.js\` from \`bench/results/latest.json\` (raw per-run numbers; regenerate this page with \`node bench/run.js --report-only\`).\n`);
  md.push(`- Started ${data.started}, finished ${data.finished ?? '(unfinished)'}, ${m.durationSeconds ?? '?'} s in all.`);
  md.push(`- Options: \`${(o.argv ?? []).join(' ') || '(defaults)'}\`: ${o.reps} A/B repetition(s) (each repetition starts Rivulet, runs every workload, stops it, then the same for Kafka), workloads ${o.only?.join(', ')}, clients ${o.clients?.join(', ')}${o.noKafka ? ', **Rivulet only**' : ''}.`);
  md.push(`- Medians over repetitions, with the range (min–max) in parentheses; ratio = Rivulet median / Kafka median.`);
  for (const n of data.notes ?? []) md.push(`- Note: ${n}`);
  md.push('');
  md.push('## Machine and versions\n');
  md.push(table(['', ''], [
    ['CPU', `${m.machine?.cpus} × ${m.machine?.cpuModel}`],
    ['Memory', `${m.machine?.memGiB} GiB`],
    ['OS', `${m.machine?.distro ?? ''} (${m.machine?.kernel})`],
    ['Load average (1/5/15 min) at start → end', `${(m.machine?.loadavgAtStart ?? []).join(' ')} → ${(m.machine?.loadavgAtEnd ?? []).join(' ')}`],
    ['Rivulet', m.versions?.rivulet],
    ['Apache Kafka', `${m.versions?.kafka} (Maven Central jars, compat/lib/kafka-libs.sh)`],
    ['Node.js', m.versions?.node],
    ['Java', m.versions?.java],
    ['kafkajs', m.versions?.kafkajs],
    ['@confluentinc/kafka-javascript', m.versions?.ckjs],
    ['Rivulet broker', m.brokerSettings?.rivulet],
    ['Kafka broker', m.brokerSettings?.kafka],
  ]));
  md.push('## Targets\n');
  md.push(table(['Target', 'Measured', ''], targets(data, a)));
  md.push(`![Throughput and latency, Rivulet vs Kafka](${png ?? 'results/chart.svg'})\n`);
  if (png) md.push('(Vector version: [results/chart.svg](results/chart.svg).)\n');
  const ran = new Set(o.only ?? []);
  const skipped = (title) => md.push(`## ${title}\n\n_not run (\`--only\`)_\n`);
  for (const w of THROUGHPUT_WORKLOADS) {
    if (!ran.has(w)) { skipped(TITLES[w]); continue; }
    md.push(`## ${TITLES[w]}\n`);
    md.push(throughputSection(a, w));
    if (w === 'consume') {
      const load = a.get('consume-load', 'mibPerSec')[0];
      if (load) md.push(`The data was written once per broker start by kafka-producer-perf-test (${load.config}): ${cell(load.rivulet)} MiB/s on Rivulet, ${cell(load.kafka)} MiB/s on Kafka. Each client then reads all of it from offset 0 with a new consumer group; "excl. group join" counts from the first record received.\n`);
    }
  }
  if (!ran.has('latency')) skipped('5. End-to-end latency');
  else {
  md.push('## 5. End-to-end latency\n');
  md.push(latencySection(a));
  md.push(`Fixed rate: ${data.profile?.latency?.rate ?? 5000} records/s of ${data.profile?.latency?.size ?? 1024} B for ${data.profile?.latency?.seconds} s after ${data.profile?.latency?.warmupSeconds} s of warm-up, one partition, acks=1, linger.ms=0, consumer defaults (fetch.min.bytes=1, fetch.max.wait.ms=500: the broker answers a waiting fetch as soon as data arrives). Latency is receive time minus the record's scheduled send time (no coordinated omission). The Java row uses \`bench/java/OpenLoopLatency.java\` with the Kafka 4.1 client, since Kafka's own EndToEndLatency tool is closed loop (one record in flight, whole-millisecond percentiles); its numbers are listed separately and have no target.\n`);
  }
  if (!ran.has('startup')) skipped('6. Start-up');
  else {
  md.push('## 6. Start-up\n');
  md.push(startupSection(a));
  md.push('Spawn → first ack: from spawning the process until a produce is acknowledged. Rivulet CLI: `node dist/bundle/cli.mjs --port 0 --memory` (or `--data-dir <fresh dir>`); the client reads the port from the ready line, then sends Metadata (auto-create) and Produce v3 (acks=1) on one connection. Embedded: inside a fresh Node process, from `startBroker({ port: 0, memory: true })` to the first ack (the `import` of the package and Node\'s own boot come before and are listed). kafkajs: the same as the raw client but with a kafkajs producer (its connect and metadata round trips included). Kafka: from `startKafka()` (which runs `kafka-storage format` and then spawns `kafka.Kafka`) while the raw client polls the port every 10 ms; the storage format step is subtracted.\n');
  }
  if (!ran.has('memory')) skipped('7. Memory (RSS)');
  else {
  md.push('## 7. Memory (RSS)\n');
  md.push(memorySection(a));
  md.push('VmRSS of the broker process from /proc/<pid>/status (for Kafka the java process, heap -Xmx1g -Xms256m), sampled after each phase. "Peak" is VmHWM since the process started. "Idle after restart" stops Rivulet after the produce, consume and latency workloads and starts it again on the same data directory (before the 1,000-partition topic is created, so it compares RSS against the data stored rather than the partition count), sampled 3 s after the restart (the target is judged on this sample) and again 20 s later (by then V8\'s memory reducer has usually run a full GC and returned memory start-up used). Then 2 GiB more are written into the consume workload\'s topic (kafka-producer-perf-test, the same settings as its load) and Rivulet is restarted once more: the same topics and groups with more bytes stored, so the difference between the two restarts is what the bytes alone add. Kafka is not restarted.\n');
  }
  if (!ran.has('scale')) skipped('8. Scale');
  else {
    md.push('## 8. Scale\n');
    md.push(scaleSection(a));
    md.push(`Raw client (bench/lib/raw.js): CreateTopics v4 with ${data.profile?.scale?.partitions} partitions, then Metadata v4 until every partition has a leader; Metadata v4 for that topic; one Produce v3 (acks=1) carrying one 1 KiB record for every partition. Connections: ${data.profile?.scale?.connections} sockets opened at once, each sending ApiVersions, Metadata and a Produce; then 5 rounds in which every connection sends one Produce at the same moment (12-partition topic).\n`);
  }
  // Hand-kept: what each optimisation changed, measured when it landed (bench/optimisations.md).
  const optimisations = path.join(benchDir, 'optimisations.md');
  if (fs.existsSync(optimisations)) md.push(fs.readFileSync(optimisations, 'utf8').trimEnd() + '\n');
  md.push('## Sessions\n');
  md.push(sessionsSection(data));
  md.push('## Exact commands\n');
  md.push('Brokers: see "Machine and versions". `$BOOTSTRAP` is the broker under test; `$KAFKA_LIBS` is compat/.cache/kafka-libs (`compat/lib/kafka-libs.sh`); `$TOOLS_LOG4J` a log4j2 config at ERROR level. Node client jobs are `node bench/clients/<client>.js \'<job>\'`. Raw-client measurements (start-up, scale) run inside bench/run.js (bench/lib/raw.js).\n');
  md.push(commandsSection(data));
  const PJ = data.profile?.produce?.java;
  const PN = data.profile?.produce?.node;
  md.push('## How the clients are driven\n');
  md.push([
    `- Java: Kafka's kafka-producer-perf-test (\`org.apache.kafka.tools.ProducerPerformance --throughput -1\`; client defaults except acks and compression, so batch.size 16384, linger.ms 5; idempotence is off with acks=1 and on with acks=all) and kafka-consumer-perf-test (\`ConsumerPerformance\`, fetch size 1 MiB, new group). Payloads: the tool's random uppercase letters, which lz4/zstd compress about 1.7:1. Produce runs send a fixed count${PJ ? ` (${Object.entries(PJ.records).map(([sz, n]) => `${n.toLocaleString('en-US')} × ${Number(sz) >= 1024 ? `${Number(sz) / 1024} KiB` : `${sz} B`}`).join(', ')})` : ''} and are rated by the tool from its first send; a run still going after ${PJ ? PJ.capMs / 1000 : '?'} s is stopped and rated on its complete 5-second windows (first window left out), marked "capped".`,
    `- kafkajs 2.2.4 and @confluentinc/kafka-javascript (its KafkaJS-style API over librdkafka, librdkafka defaults: linger.ms 5, batch.size 1 MB, idempotence off): \`producer.send()\` calls of ~512 KiB of values each, 4 in flight, values sliced from a 16 MiB buffer of random uppercase letters; ${PN ? `${PN.warmupSeconds} s of warm-up, then ${PN.seconds} s counted` : 'time-bounded'}. Consumers: \`eachBatch\`, new group, \`fromBeginning\`. kafkajs has no zstd codec: the worker registers one built on @toondepauw/node-zstd (a Rivulet dependency); lz4 comes from kafkajs-lz4.`,
    '- Every topic is created before its run (CreateTopics, replication factor 1); the run starts once every partition has a leader and has accepted one 16-byte warm-up record.',
    `- Each broker session begins with an unrecorded warm-up (kafka-producer-perf-test${data.profile?.warmup ? `, ${data.profile.warmup.records.toLocaleString('en-US')} × 1 KiB to a 4-partition topic` : ''}, then kafka-consumer-perf-test reading it back), so the first measured workload does not pay for a cold JVM or V8 in the broker.`,
  ].join('\n') + '\n');
  // Sections written by other bench scripts (bench/compaction.js) follow this marker: kept.
  const resultsFile = path.join(benchDir, 'RESULTS.md');
  const previous = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
  const kept = previous.indexOf(KEPT_SECTIONS);
  fs.writeFileSync(resultsFile, md.join('\n') + (kept >= 0 ? `\n${previous.slice(kept)}` : ''));
  return { svgFile, png };
}

export { median };
