// Labels for captured exchanges, so the golden set keeps a few distinct, valuable frames per
// (api, version, client) instead of only the first: produce per compression codec, list-offsets per
// timestamp kind, fetch responses that carry records, group/coordinator error answers.
import { Reader } from './kafka-wire.mjs';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Error codes worth naming in labels (Kafka's Errors enum). */
export const ERROR_NAMES = {
  3: 'unknown-topic-or-partition', 6: 'not-leader-or-follower', 7: 'request-timed-out',
  14: 'coordinator-load-in-progress', 15: 'coordinator-not-available', 16: 'not-coordinator',
  22: 'illegal-generation', 25: 'unknown-member-id', 27: 'rebalance-in-progress',
  35: 'unsupported-version', 36: 'topic-already-exists', 41: 'not-controller', 42: 'invalid-request',
  47: 'invalid-producer-epoch', 48: 'invalid-txn-state', 49: 'invalid-producer-id-mapping',
  51: 'concurrent-transactions', 53: 'transactional-id-authorization-failed', 68: 'non-empty-group',
  69: 'group-id-not-found', 79: 'member-id-required', 90: 'producer-fenced', 110: 'fenced-member-epoch',
  111: 'unreleased-instance-id', 113: 'transaction-abortable',
};

/** APIs where every frame gets a label and only labeled files are written. */
export const LABEL_ONLY = new Set([0, 2]);

/** Request header flexible (header v2) from this version on, for the APIs parsed here. */
const FLEX = { 0: 9, 1: 12, 2: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 16: 3, 22: 2, 24: 3, 25: 3, 26: 3, 28: 3, 47: 0, 60: 0, 68: 0 };

function skipRequestHeader(r, apiVersion, apiKey) {
  r.i16(); r.i16(); r.i32(); r.str(false);
  if (FLEX[apiKey] !== undefined && apiVersion >= FLEX[apiKey]) r.tags();
}

function produceLabel(req, v) {
  const r = new Reader(req);
  skipRequestHeader(r, v, 0);
  const flex = v >= 9;
  if (v >= 3) r.str(flex);
  const acks = r.i16();
  r.i32();
  const nTopics = r.arrayLen(flex);
  for (let t = 0; t < nTopics; t++) {
    if (v >= 13) r.uuid(); else r.str(flex);
    const nParts = r.arrayLen(flex);
    for (let p = 0; p < nParts; p++) {
      r.i32();
      const records = r.bytes(flex);
      if (records && records.length >= 61) {
        const magic = records.readInt8(16);
        const attrs = records.readInt16BE(21);
        const producerId = records.readBigInt64BE(43);
        const parts = [magic === 2 ? CODECS[attrs & 7] ?? `codec${attrs & 7}` : `magic${magic}`];
        if (acks !== -1) parts.push(`acks${acks}`);
        if (attrs & 0x10) parts.push('transactional');
        else if (producerId >= 0n) parts.push('idempotent');
        return parts.join('-');
      }
      if (flex) r.tags();
    }
    if (flex) r.tags();
  }
  return 'empty';
}

function listOffsetsLabel(req, v) {
  const r = new Reader(req);
  skipRequestHeader(r, v, 2);
  const flex = v >= 6;
  r.i32();
  if (v >= 2) r.i8();
  const nTopics = r.arrayLen(flex);
  if (nTopics < 1) return 'empty';
  r.str(flex);
  const nParts = r.arrayLen(flex);
  if (nParts < 1) return 'empty';
  r.i32();
  if (v >= 4) r.i32();
  const ts = r.i64();
  return { '-1': 'latest', '-2': 'earliest', '-3': 'max-timestamp', '-4': 'earliest-local', '-5': 'latest-tiered' }[String(ts)] ?? 'by-timestamp';
}

/** Whether a record-batch set holds a transactional batch (data or control). */
function hasTransactionalBatch(records) {
  for (let pos = 0; pos + 61 <= records.length;) {
    const len = records.readInt32BE(pos + 8);
    if (records.readInt8(pos + 16) === 2 && records.readInt16BE(pos + 21) & 0x10) return true;
    pos += 12 + len;
  }
  return false;
}

/** `records` for a response carrying record batches; `-transactional` when one of them is
 *  transactional, `-aborted` when a partition also lists aborted transactions (read_committed). */
function fetchLabel(resp, v) {
  const r = new Reader(resp);
  const flex = v >= 12;
  r.i32();
  if (flex) r.tags();
  if (v >= 1) r.i32();
  if (v >= 7) { r.i16(); r.i32(); }
  let records = false;
  let transactional = false;
  let aborted = false;
  const nTopics = r.arrayLen(flex);
  for (let t = 0; t < nTopics; t++) {
    if (v >= 13) r.uuid(); else r.str(flex);
    const nParts = r.arrayLen(flex);
    for (let p = 0; p < nParts; p++) {
      r.i32(); r.i16(); r.i64();
      if (v >= 4) r.i64();
      if (v >= 5) r.i64();
      if (v >= 4) {
        const nAborted = r.arrayLen(flex);
        if (nAborted > 0) aborted = true;
        for (let a = 0; a < nAborted; a++) { r.i64(); r.i64(); if (flex) r.tags(); }
      }
      if (v >= 11) r.i32();
      const batch = r.bytes(flex);
      if (batch && batch.length > 0) {
        records = true;
        if (hasTransactionalBatch(batch)) transactional = true;
      }
      if (flex) r.tags();
    }
    if (flex) r.tags();
  }
  if (!records) return null;
  return aborted ? 'records-aborted' : transactional ? 'records-transactional' : 'records';
}

/** AddPartitionsToTxn v0-3 and TxnOffsetCommit: `error-<name>` for the first partition error. */
function partitionErrorLabel(apiKey, resp, v) {
  if (apiKey === 24 && v > 3) return null;
  const r = new Reader(resp);
  const flex = v >= FLEX[apiKey];
  r.i32();
  if (flex) r.tags();
  r.i32();
  const nTopics = r.arrayLen(flex);
  for (let t = 0; t < nTopics; t++) {
    r.str(flex);
    const nParts = r.arrayLen(flex);
    for (let p = 0; p < nParts; p++) {
      r.i32();
      const code = r.i16();
      if (code !== 0) return `error-${ERROR_NAMES[code] ?? code}`;
      if (flex) r.tags();
    }
    if (flex) r.tags();
  }
  return null;
}

/** Response = [throttle_time_ms (from `throttle`)] error_code, or error_code first (`errorFirst`). */
const TOP_ERROR = {
  10: { throttle: 1, maxVersion: 3 }, 11: { throttle: 2 }, 12: { throttle: 1 }, 13: { throttle: 1 },
  14: { throttle: 1 }, 16: { throttle: 1 }, 22: { throttle: 0 }, 25: { throttle: 0 }, 26: { throttle: 0 },
  47: { errorFirst: true }, 60: { throttle: 0 }, 68: { throttle: 0 },
  18: { errorFirst: true, headerV0: true },
};

function topErrorLabel(apiKey, resp, v) {
  const spec = TOP_ERROR[apiKey];
  if (!spec || (spec.maxVersion !== undefined && v > spec.maxVersion)) return null;
  const r = new Reader(resp);
  r.i32();
  if (!spec.headerV0 && FLEX[apiKey] !== undefined && v >= FLEX[apiKey]) r.tags();
  if (!spec.errorFirst && v >= spec.throttle) r.i32();
  const code = r.i16();
  if (code === 0) return null;
  return `error-${ERROR_NAMES[code] ?? code}`;
}

/** A label for an exchange, or null. Never throws. */
export function classify(ex) {
  try {
    const req = ex.request ? Buffer.from(ex.request, 'hex') : null;
    const resp = ex.response ? Buffer.from(ex.response, 'hex') : null;
    const v = ex.apiVersion;
    switch (ex.apiKey) {
      case 0: return req ? produceLabel(req, v) : null;
      case 1: return resp ? fetchLabel(resp, v) : null;
      case 2: return req ? listOffsetsLabel(req, v) : null;
      case 24: case 28: return resp ? partitionErrorLabel(ex.apiKey, resp, v) : null;
      default: return resp ? topErrorLabel(ex.apiKey, resp, v) : null;
    }
  } catch {
    return ex.apiKey === 0 || ex.apiKey === 2 ? 'unparsed' : null;
  }
}
