// Hot-path A/B for a change that must cost nothing without quotas (issue 13): two Rivulet builds'
// brokers up at once in one process, no quota configured, 0.7 s rounds alternating between them;
// Produce v9 (one 100-byte record, acks=1) and Fetch v12 (16 KiB from offset 0), 32 in flight on
// one socket. Prints CPU microseconds per request per build (client and broker share the process,
// so both builds pay the same client cost). Interleaving keeps a shared, loaded machine's drift
// out of the comparison.
//
//   node bench/quota-hotpath-ab.mjs BASE_DIST NEW_DIST [rounds]   # e.g. /tmp/base/dist dist
import net from 'node:net'
import path from 'node:path'
const builds = { base: path.resolve(process.argv[2]), quotas: path.resolve(process.argv[3] ?? 'dist') }
const rounds = Number(process.argv[4] ?? 20)
async function setup(dist) {
  const m = (p) => import(path.join(dist, p))
  const { startBroker } = await m('src/index.js')
  const { Produce } = await m('protocol/apis/produce.js'); const { Fetch } = await m('protocol/apis/fetch.js')
  const { buildBatch } = await m('protocol/records/index.js'); const { writeRequestHeader } = await m('protocol/header.js'); const { Writer } = await m('protocol/primitives.js')
  const frame = (api, v, body) => { const w = new Writer(); w.int32(0); writeRequestHeader(w, { apiKey: api.key, apiVersion: v, correlationId: 0, clientId: 'bench' }, api.isFlexible(v)); api.request(v).write(w, body); const out = w.toBuffer(); out.writeInt32BE(out.length - 4, 0); return out }
  const b = await startBroker({}); b.kit.createTopic('hp', { partitions: 1 })
  const batch = buildBatch({ records: [{ key: null, value: Buffer.alloc(100, 3) }] })
  const produce = frame(Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'hp', partitionData: [{ index: 0, records: batch }] }] })
  const fetch = frame(Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 16384, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'hp', partitions: [{ partition: 0, fetchOffset: 0n, currentLeaderEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 16384 }] }], forgottenTopicsData: [], rackId: '' })
  return { b, produce, fetch }
}
async function round(port, tpl, ms) {
  const s = net.connect({ port, host: '127.0.0.1' }); await new Promise((r) => s.once('connect', r)); s.setNoDelay(true)
  let buf = Buffer.alloc(0), done = 0, sent = 0, id = 0
  const end = performance.now() + ms, cpu0 = process.cpuUsage()
  return new Promise((resolve) => {
    const send = () => { const c = Buffer.from(tpl); c.writeInt32BE(++id, 8); s.write(c); sent++ }
    s.on('data', (c) => { buf = buf.length ? Buffer.concat([buf, c]) : c
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) { buf = buf.subarray(4 + buf.readInt32BE(0)); done++
        if (performance.now() < end) send(); else if (done === sent) { s.destroy(); const u = process.cpuUsage(cpu0); resolve({ us: u.user + u.system, n: done }) } } })
    for (let i = 0; i < 32; i++) send()
  })
}
const env = { base: await setup(builds.base), quotas: await setup(builds.quotas) }
for (const k of Object.keys(env)) { await round(env[k].b.port, env[k].produce, 1500); await round(env[k].b.port, env[k].fetch, 1500) }
const tot = { base: { p: [0, 0], f: [0, 0] }, quotas: { p: [0, 0], f: [0, 0] } }
for (let r = 0; r < rounds; r++) for (const k of r % 2 ? ['quotas', 'base'] : ['base', 'quotas']) {
  const p = await round(env[k].b.port, env[k].produce, 700); tot[k].p[0] += p.us; tot[k].p[1] += p.n
  const f = await round(env[k].b.port, env[k].fetch, 700); tot[k].f[0] += f.us; tot[k].f[1] += f.n
}
for (const k of Object.keys(tot)) console.log(k, 'produce µs/req', (tot[k].p[0] / tot[k].p[1]).toFixed(1), 'fetch µs/req', (tot[k].f[0] / tot[k].f[1]).toFixed(1))
for (const k of Object.keys(env)) await env[k].b.stop()
