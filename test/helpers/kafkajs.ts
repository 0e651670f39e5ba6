// kafkajs 2.2.4 with the snappy and lz4 codecs registered, as its users set it up. LZ4 is our own
// codec over lz4-napi (./kafkajs-lz4.ts): the kafkajs-lz4 package needs a compiler to install.
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'
import { lz4Codec } from './kafkajs-lz4.js'

const require = createRequire(import.meta.url)
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = require('kafkajs-snappy') as () => never
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = lz4Codec as () => never

export const { Kafka, logLevel, CompressionTypes } = kafkajs
export default kafkajs
