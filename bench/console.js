#!/usr/bin/env node
// The cost of the web console (issue 14), in one run on this machine:
//   1. start-up (spawn to the ready line, --memory) and idle RSS 1.5 s later of the CLI with the
//      admin port off, on, on after the console was opened (page, script, stylesheet and one
//      round of its API), and (--baseline DIST) of another build, e.g. the commit before the
//      console existed. Starts interleaved so load drifts hit all alike.
//   2. what the console's polling costs a broker with sample data (40 topics × 4 partitions,
//      10k records, 5 groups): the latency of each API call the views poll, and the broker's CPU
//      for one poll of every view.
// Writes its section into bench/RESULTS.md ("Web console", replacing the last one; --print-only
// just prints it) and the raw numbers to bench/results/console-latest.json.
//
//   node bench/console.js [--startups 10] [--baseline /tmp/console-base/dist]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import kafkajs from 'kafkajs';
import { listeningPorts, memOf, ROOT, spawnRivulet } from './lib/brokers.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const STARTUPS = Number(opt('startups', 10));
const BASELINE = opt('baseline', null);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const range = (xs) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
const idle = (ms) => new Promise((r) => setTimeout(r, ms));
const cli = path.join(ROOT, 'dist/bundle/cli.mjs');

async function spawn(args) {
  return spawnRivulet({ memory: true, cli: args.cli ?? cli, extraArgs: [...(args.extra ?? []), '--log-level', 'warn'] });
}

// The admin port: the one the broker listens on besides its Kafka port.
function adminUrlOf(b) {
  const port = listeningPorts(b.pid).find((p) => p !== b.port);
  if (!port) throw new Error('no admin port found');
  return `http://127.0.0.1:${port}`;
}

const API = ['/api/overview', '/api/topics', '/api/groups', '/api/transactions', '/api/topics/t-0', '/api/topics/t-0/messages?limit=50', '/api/groups/g-0'];

async function openConsole(url) {
  for (const p of ['/', '/console.js', '/console.css', ...API.slice(0, 4)]) {
    const r = await fetch(url + p);
    if (!r.ok && !p.includes('t-0') && !p.includes('g-0')) throw new Error(`${p}: ${r.status}`);
    await r.arrayBuffer();
  }
}

const variants = [
  { name: 'admin port off', extra: [] },
  { name: 'admin port on', extra: ['--admin-port', '0'] },
  { name: 'admin port on, console opened', extra: ['--admin-port', '0'], open: true },
];
if (BASELINE) variants.push({ name: `baseline, admin port off (${BASELINE})`, cli: path.join(BASELINE, 'bundle/cli.mjs'), extra: [] });

async function startups() {
  const out = Object.fromEntries(variants.map((v) => [v.name, { readyMs: [], rssMiB: [] }]));
  for (let i = 0; i < STARTUPS; i++) {
    for (const v of i % 2 ? [...variants].reverse() : variants) {
      const b = await spawn(v);
      if (v.open) await openConsole(adminUrlOf(b));
      await idle(1500);
      out[v.name].readyMs.push(b.readyMs);
      out[v.name].rssMiB.push(memOf(b.pid).rssMiB);
      await b.stop();
    }
  }
  return out;
}

const cpuSecondsOf = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

async function polling() {
  const b = await spawn({ extra: ['--admin-port', '0'] });
  try {
    const url = adminUrlOf(b);
    const kafka = new kafkajs.Kafka({ brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: Array.from({ length: 40 }, (_, i) => ({ topic: `t-${i}`, numPartitions: 4 })) });
    const producer = kafka.producer();
    await producer.connect();
    for (let t = 0; t < 40; t++) await producer.send({ topic: `t-${t}`, messages: Array.from({ length: 250 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i, t, pad: 'x'.repeat(200) }) })) });
    for (let g = 0; g < 5; g++) await admin.setOffsets({ groupId: `g-${g}`, topic: `t-${g}`, partitions: [0, 1, 2, 3].map((p) => ({ partition: p, offset: '10' })) });
    await producer.disconnect();
    await admin.disconnect();
    const lat = Object.fromEntries(API.map((p) => [p, []]));
    for (let i = 0; i < 20; i++) await openConsole(url); // warm-up
    const rounds = 200;
    const cpu0 = cpuSecondsOf(b.pid);
    for (let i = 0; i < rounds; i++) {
      for (const p of API) {
        const t = performance.now();
        const r = await fetch(url + p);
        await r.arrayBuffer();
        lat[p].push(performance.now() - t);
      }
    }
    const cpuMsPerRound = ((cpuSecondsOf(b.pid) - cpu0) * 1000) / rounds;
    return { latencyMs: Object.fromEntries(Object.entries(lat).map(([p, xs]) => [p, { median: median(xs), p99: [...xs].sort((a, c) => a - c)[Math.floor(xs.length * 0.99)] }])), cpuMsPerRound, rounds };
  } finally {
    await b.stop();
  }
}

function report(start, poll, meta) {
  return [
    '## Web console',
    '',
    `Generated by \`${['node bench/console.js', ...argv].join(' ')}\` at ${meta.finished} (${meta.cpus}; load average ${meta.loadBefore} → ${meta.loadAfter}; Node ${process.version}; other sessions shared the machine). Medians, ranges in parentheses.`,
    '',
    `Start-up (spawn to the ready line, \`--memory\`) and idle RSS 1.5 s later, ${STARTUPS} starts each, interleaved. "Console opened": the page, its script and stylesheet and one call of each view's API were fetched before the idle wait:`,
    '',
    '| Build | Start-up ms | Idle RSS MiB |',
    '|---|---|---|',
    ...Object.entries(start).map(([name, r]) => `| ${name} | ${median(r.readyMs).toFixed(1)} (${range(r.readyMs)}) | ${median(r.rssMiB).toFixed(1)} (${range(r.rssMiB)}) |`),
    '',
    `Polling, on a broker with 40 topics × 4 partitions, 10,000 records of ~230 B and 5 groups: ${poll.rounds} rounds of every view's API call, one after another (the page polls one view every 2 s). Broker CPU for one round of all ${API.length} calls: ${poll.cpuMsPerRound.toFixed(2)} ms.`,
    '',
    '| Call | Median ms | p99 ms |',
    '|---|---|---|',
    ...Object.entries(poll.latencyMs).map(([p, l]) => `| \`GET ${p}\` | ${l.median.toFixed(2)} | ${l.p99.toFixed(2)} |`),
    '',
  ].join('\n');
}

const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const start = await startups();
const poll = await polling();
const meta = { finished: new Date().toISOString(), cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}`, loadBefore, loadAfter: os.loadavg().map((x) => x.toFixed(2)).join(' ') };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'bench/results/console-latest.json'), JSON.stringify({ meta, argv, start, poll }, null, 2));
const section = report(start, poll, meta);
console.log(section);
if (!argv.includes('--print-only')) {
  const file = path.join(ROOT, 'bench/RESULTS.md');
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf('## Web console');
  const next = at < 0 ? -1 : text.indexOf('\n## ', at + 1);
  const updated = at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at)}${section}${next < 0 ? '' : `\n${text.slice(next + 1)}`}`;
  fs.writeFileSync(file, updated.endsWith('\n') ? updated : `${updated}\n`);
}
