// What the Node.js failover drivers (kafkajs, confluent-kafka-javascript) share: the protocol with
// compat/failover/check.mjs (JSON lines on stdout, "killed <epoch ms>" on stdin) and the producing
// loop. The Java and Go drivers implement the same loop in their own language.
import readline from 'node:readline';

export function emit(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** Resolves to the kill time the checker writes ("killed <epoch ms>"). */
export async function awaitKill() {
  const { value, done } = await lines.next();
  if (done || !value.startsWith('killed ')) throw new Error(`expected "killed <ms>" on stdin, got ${value}`);
  return Number(value.slice(7));
}

/** Polls cond() every 100 ms until it is true or ms have passed; resolves to its last value. */
export async function waitUntil(cond, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await cond();
    if (ok || Date.now() > until) return ok;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Sends v-0, v-1, ... one at a time (v-i to partition i % partitions) through send(i, partition);
 * after `before` acknowledged records announces {"event":"before"} and waits for the kill; then
 * goes on until `after` more are acknowledged, one of them on partition 0 after the kill (or
 * 120 s pass). Resolves to { acked, p0AckTimes }.
 */
export async function failoverLoop({ partitions, before, after, send, awaitKill, errors }) {
  const acked = [];
  const p0AckTimes = [];
  let killedAt = -1;
  let ackedAfterKill = 0;
  let deadline = Infinity;
  for (let i = 0; ; i++) {
    const partition = i % partitions;
    try {
      await send(i, partition);
      acked.push(i);
      if (partition === 0) p0AckTimes.push(Date.now());
      if (killedAt >= 0) ackedAfterKill++;
    } catch (e) {
      errors.push(`send v-${i}: ${e.message}`);
    }
    if (killedAt < 0 && acked.length >= before) {
      emit({ event: 'before' });
      killedAt = await awaitKill();
      deadline = Date.now() + 120_000;
    }
    if (killedAt >= 0) {
      if (ackedAfterKill >= after && p0AckTimes.some((t) => t >= killedAt)) break;
      if (Date.now() > deadline) { errors.push('no acknowledged produce to partition 0 within 120 s of the kill'); break; }
    }
  }
  emit({ event: 'produced' });
  return { acked, p0AckTimes };
}
