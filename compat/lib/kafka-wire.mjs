// Minimal Kafka wire helpers for the compat tooling (no dependencies, plain ESM).
// Just enough to frame a request, send it on a raw socket and read the matching response, plus a
// small bounds-checked reader used to peek into captured frames. Not the Rivulet codec.
import net from 'node:net';

/** Kafka API names by key (Apache Kafka 4.x `ApiKeys`). */
export const API_NAMES = {
  0: 'Produce', 1: 'Fetch', 2: 'ListOffsets', 3: 'Metadata', 4: 'LeaderAndIsr', 5: 'StopReplica',
  6: 'UpdateMetadata', 7: 'ControlledShutdown', 8: 'OffsetCommit', 9: 'OffsetFetch',
  10: 'FindCoordinator', 11: 'JoinGroup', 12: 'Heartbeat', 13: 'LeaveGroup', 14: 'SyncGroup',
  15: 'DescribeGroups', 16: 'ListGroups', 17: 'SaslHandshake', 18: 'ApiVersions',
  19: 'CreateTopics', 20: 'DeleteTopics', 21: 'DeleteRecords', 22: 'InitProducerId',
  23: 'OffsetForLeaderEpoch', 24: 'AddPartitionsToTxn', 25: 'AddOffsetsToTxn', 26: 'EndTxn',
  27: 'WriteTxnMarkers', 28: 'TxnOffsetCommit', 29: 'DescribeAcls', 30: 'CreateAcls',
  31: 'DeleteAcls', 32: 'DescribeConfigs', 33: 'AlterConfigs', 34: 'AlterReplicaLogDirs',
  35: 'DescribeLogDirs', 36: 'SaslAuthenticate', 37: 'CreatePartitions',
  38: 'CreateDelegationToken', 39: 'RenewDelegationToken', 40: 'ExpireDelegationToken',
  41: 'DescribeDelegationToken', 42: 'DeleteGroups', 43: 'ElectLeaders',
  44: 'IncrementalAlterConfigs', 45: 'AlterPartitionReassignments',
  46: 'ListPartitionReassignments', 47: 'OffsetDelete', 48: 'DescribeClientQuotas',
  49: 'AlterClientQuotas', 50: 'DescribeUserScramCredentials', 51: 'AlterUserScramCredentials',
  52: 'Vote', 53: 'BeginQuorumEpoch', 54: 'EndQuorumEpoch', 55: 'DescribeQuorum',
  56: 'AlterPartition', 57: 'UpdateFeatures', 58: 'Envelope', 59: 'FetchSnapshot',
  60: 'DescribeCluster', 61: 'DescribeProducers', 62: 'BrokerRegistration',
  63: 'BrokerHeartbeat', 64: 'UnregisterBroker', 65: 'DescribeTransactions',
  66: 'ListTransactions', 67: 'AllocateProducerIds', 68: 'ConsumerGroupHeartbeat',
  69: 'ConsumerGroupDescribe', 70: 'ControllerRegistration', 71: 'GetTelemetrySubscriptions',
  72: 'PushTelemetry', 73: 'AssignReplicasToDirs', 74: 'ListConfigResources',
  75: 'DescribeTopicPartitions', 76: 'ShareGroupHeartbeat', 77: 'ShareGroupDescribe',
  78: 'ShareFetch', 79: 'ShareAcknowledge', 80: 'AddRaftVoter', 81: 'RemoveRaftVoter',
  82: 'UpdateRaftVoter', 83: 'InitializeShareGroupState', 84: 'ReadShareGroupState',
  85: 'WriteShareGroupState', 86: 'DeleteShareGroupState', 87: 'ReadShareGroupStateSummary',
  88: 'StreamsGroupHeartbeat', 89: 'StreamsGroupDescribe', 90: 'DescribeShareGroupOffsets',
  91: 'AlterShareGroupOffsets', 92: 'DeleteShareGroupOffsets',
};

/** "DescribeTopicPartitions" -> "describe-topic-partitions" */
export function kebab(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

export function apiName(key) {
  return API_NAMES[key] ?? `api-${key}`;
}

/**
 * Request header v1 (non-flexible) or v2 (flexible: adds an empty tagged-field section).
 * The client id is always an int16-length nullable string.
 */
export function requestHeader({ apiKey, apiVersion, correlationId, clientId = 'rivulet-compat', flexible = false }) {
  const id = clientId === null ? null : Buffer.from(clientId, 'utf8');
  const buf = Buffer.alloc(10 + (id ? id.length : 0) + (flexible ? 1 : 0));
  buf.writeInt16BE(apiKey, 0);
  buf.writeInt16BE(apiVersion, 2);
  buf.writeInt32BE(correlationId, 4);
  buf.writeInt16BE(id ? id.length : -1, 8);
  if (id) id.copy(buf, 10);
  // flexible: trailing 0x00 = zero tagged fields (already zero-filled)
  return buf;
}

/** Prefix a frame with its int32 size. */
export function frame(...parts) {
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/**
 * Open a socket, send each request frame (already size-prefixed) in turn and collect each
 * response frame (without size prefix). Bounded by timeoutMs.
 */
export function roundTrips(host, port, frames, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const responses = [];
    let buf = Buffer.alloc(0);
    let i = 0;
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no response from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err); else resolve(responses);
    };
    sock.on('connect', () => sock.write(frames[i]));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4) {
        const size = buf.readInt32BE(0);
        if (size < 0 || size > 100 * 1024 * 1024) return done(new Error(`bad frame size ${size}`));
        if (buf.length < 4 + size) break;
        responses.push(buf.subarray(4, 4 + size));
        buf = buf.subarray(4 + size);
        i++;
        if (i === frames.length) return done();
        sock.write(frames[i]);
      }
    });
    sock.on('error', done);
    sock.on('close', () => { if (i < frames.length) done(new Error(`connection closed after ${i} responses`)); });
  });
}

/** A bounds-checked big-endian reader with Kafka's compact/varint encodings. */
export class Reader {
  constructor(buf, offset = 0) { this.buf = buf; this.pos = offset; }
  need(n) {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError(`need ${n} bytes at ${this.pos}, have ${this.buf.length - this.pos}`);
  }
  remaining() { return this.buf.length - this.pos; }
  i8() { this.need(1); const v = this.buf.readInt8(this.pos); this.pos += 1; return v; }
  i16() { this.need(2); const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  i32() { this.need(4); const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  i64() { this.need(8); const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  uuid() { this.need(16); const v = this.buf.subarray(this.pos, this.pos + 16); this.pos += 16; return v.toString('base64url'); }
  uvarint() {
    let v = 0, shift = 0;
    for (;;) {
      const b = this.buf[this.pos];
      if (b === undefined) throw new RangeError('varint past end');
      this.pos++;
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
      if (shift > 35) throw new RangeError('varint too long');
    }
  }
  bytesN(n) { this.need(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  /** int16-length (classic) or uvarint+1 (compact) nullable string */
  str(compact) {
    const n = compact ? this.uvarint() - 1 : this.i16();
    return n < 0 ? null : this.bytesN(n).toString('utf8');
  }
  /** int32-length (classic) or uvarint+1 (compact) nullable bytes */
  bytes(compact) {
    const n = compact ? this.uvarint() - 1 : this.i32();
    return n < 0 ? null : this.bytesN(n);
  }
  arrayLen(compact) { return compact ? this.uvarint() - 1 : this.i32(); }
  tags() {
    const n = this.uvarint();
    for (let k = 0; k < n; k++) { this.uvarint(); this.bytesN(this.uvarint()); }
  }
}

/**
 * Parse a request frame's header (frame = bytes after the size prefix).
 * `flexible` says whether the header is v2 (tagged fields after the client id).
 */
export function parseRequestHeader(frameBuf, flexible = false) {
  const r = new Reader(frameBuf);
  const apiKey = r.i16();
  const apiVersion = r.i16();
  const correlationId = r.i32();
  const clientId = r.str(false);
  if (flexible) r.tags();
  return { apiKey, apiVersion, correlationId, clientId, bodyOffset: r.pos };
}

/** ApiVersions request of any version (size-prefixed); v3+ carries client software name/version. */
export function apiVersionsRequest(correlationId, apiVersion = 0, clientId = 'rivulet-compat') {
  const flexible = apiVersion >= 3;
  const header = requestHeader({ apiKey: 18, apiVersion, correlationId, clientId, flexible });
  if (!flexible) return frame(header);
  // v3+: client_software_name, client_software_version (compact strings), tagged fields
  const name = Buffer.from('rivulet-compat');
  const ver = Buffer.from('0.1.0');
  return frame(header, Buffer.from([name.length + 1]), name, Buffer.from([ver.length + 1]), ver, Buffer.from([0]));
}

/**
 * Parse an ApiVersions response v0–v2 (classic arrays). An UNSUPPORTED_VERSION answer to any
 * version is v0-shaped, so this also reads that. Not for v3+ success responses (compact arrays).
 */
export function parseApiVersionsResponse(respFrame) {
  const r = new Reader(respFrame);
  const correlationId = r.i32();
  const errorCode = r.i16();
  const n = r.i32();
  const apis = [];
  for (let k = 0; k < n && r.remaining() >= 6; k++) apis.push({ apiKey: r.i16(), min: r.i16(), max: r.i16() });
  return { correlationId, errorCode, apis };
}
