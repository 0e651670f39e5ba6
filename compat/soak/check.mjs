// The soak's verdict, from the members' own logs (one JSON object a line, written by
// member_rdkafka.py and member_kafkajs.mjs): pure functions, no I/O, so a unit test can feed them
// planted logs (test/compat/soak-check.test.ts).
//
// Two properties, as issue 10 states them:
// 1. every message is delivered at least once: every offset below a partition's end offset was
//    received by some member (the topic has no transactions or compaction, so offsets are dense);
// 2. no committed offset ever passes the offsets delivered to its committer: a commit of offset c
//    on partition p by member M needs c <= (the highest offset M had received on p before it) + 1,
//    unless c was already committed for p earlier (re-committing a position passes nothing).
// Also reported, to explain a failure: forward jumps in a member's deliveries on a partition
// (a skipped range), commit errors by name, rebalances, duplicates, and the final committed offsets.

/** Parses a member log's text into events (a torn last line, from a killed member, is skipped). */
export function parseLog(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try { out.push(JSON.parse(line)); } catch { /* torn line */ }
  }
  return out;
}

/**
 * members: [{ name, events }]; endOffsets: { [partition]: end }; finalCommitted: { [partition]: offset } (optional).
 * Returns { ok, problems: string[], stats }.
 */
export function checkSoak(members, endOffsets, finalCommitted = null) {
  const partitions = Object.keys(endOffsets).map(Number).sort((a, b) => a - b);
  const delivered = new Map(partitions.map((p) => [p, new Uint8Array(endOffsets[p])]));
  const problems = [];
  const stats = { members: members.length, messages: 0, received: 0, duplicates: 0, commits: 0, commitErrors: {}, rebalances: 0, jumps: 0, commitsPastDelivered: 0, lost: 0 };
  for (const p of partitions) stats.messages += endOffsets[p];

  // every commit, in time order, to know which positions were already committed when
  const commits = [];
  for (const m of members) {
    const maxSeen = new Map();
    const last = new Map();
    for (const ev of m.events) {
      if (ev.e === 'm') {
        stats.received++;
        const seen = delivered.get(ev.p);
        if (seen && ev.o < seen.length) { if (seen[ev.o]) stats.duplicates++; seen[ev.o] = 1; }
        const prev = last.get(ev.p);
        if (prev !== undefined && ev.o > prev + 1) {
          stats.jumps++;
          if (stats.jumps <= 20) problems.push(`${m.name} skipped offsets ${prev + 1}..${ev.o - 1} of partition ${ev.p} (received ${prev} then ${ev.o})`);
        }
        last.set(ev.p, ev.o);
        maxSeen.set(ev.p, Math.max(maxSeen.get(ev.p) ?? -1, ev.o));
      } else if (ev.e === 'assign') {
        stats.rebalances++;
        for (const p of ev.parts ?? []) last.delete(p); // a new assignment starts from the committed offset
      } else if (ev.e === 'commit') {
        if (ev.err) stats.commitErrors[ev.err] = (stats.commitErrors[ev.err] ?? 0) + 1;
        for (const f of ev.failed ?? []) stats.commitErrors[f[2]] = (stats.commitErrors[f[2]] ?? 0) + 1;
        for (const [p, o] of ev.offsets ?? []) {
          stats.commits++;
          commits.push({ member: m.name, t: ev.t, p, o, why: ev.why, deliveredUpTo: maxSeen.get(p) ?? -1 });
        }
      }
    }
  }
  commits.sort((a, b) => a.t - b.t);
  const committedBefore = new Map(partitions.map((p) => [p, new Set()]));
  for (const c of commits) {
    const before = committedBefore.get(c.p) ?? new Set();
    if (c.o > c.deliveredUpTo + 1 && !before.has(c.o)) {
      stats.commitsPastDelivered++;
      if (stats.commitsPastDelivered <= 20) problems.push(`${c.member} committed offset ${c.o} on partition ${c.p} (${c.why}) but had received only up to ${c.deliveredUpTo}`);
    }
    before.add(c.o);
    committedBefore.set(c.p, before);
  }

  const lostByPartition = {};
  for (const p of partitions) {
    const seen = delivered.get(p);
    const ranges = [];
    for (let o = 0; o < seen.length; o++) {
      if (seen[o]) continue;
      let end = o;
      while (end + 1 < seen.length && !seen[end + 1]) end++;
      ranges.push(o === end ? `${o}` : `${o}..${end}`);
      stats.lost += end - o + 1;
      o = end;
    }
    if (ranges.length) lostByPartition[p] = ranges;
  }
  if (stats.lost) problems.unshift(`${stats.lost} of ${stats.messages} messages never delivered: ${Object.entries(lostByPartition).map(([p, r]) => `partition ${p} offsets ${r.slice(0, 5).join(', ')}${r.length > 5 ? ', …' : ''}`).join('; ')}`);
  if (finalCommitted) {
    for (const p of partitions) {
      const c = finalCommitted[p] ?? -1;
      if (c !== endOffsets[p]) problems.push(`partition ${p}: final committed offset ${c}, end offset ${endOffsets[p]}`);
    }
  }
  stats.lostByPartition = lostByPartition;
  const ok = stats.lost === 0 && stats.commitsPastDelivered === 0 && stats.jumps === 0 && problems.length === 0;
  return { ok, problems, stats };
}
