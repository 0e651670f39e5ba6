// kafkajs 2.2.4 with the snappy and lz4 codecs registered, as its users set it up.
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'

const require = createRequire(import.meta.url)
const LZ4Codec = require('kafkajs-lz4') as new () => { codec: unknown }
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy] = require('kafkajs-snappy') as () => never
kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] = new LZ4Codec().codec as () => never

export const { Kafka, logLevel, CompressionTypes } = kafkajs
export default kafkajs
