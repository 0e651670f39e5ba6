// protocol/records: the one place that knows a record batch's bytes. batch.ts: the v2 header
// (layout, getters and setters, walks); validate.ts: Kafka's LogValidator; records.ts: the record
// codec; builder.ts: building batches and markers; filter.ts: rewriting a batch without some of
// its records (the cleaner). Legacy magic 0/1 message sets went with Produce v0–2 (KIP-896).
export * from './batch.js'
export * from './validate.js'
export * from './records.js'
export * from './builder.js'
export * from './filter.js'
