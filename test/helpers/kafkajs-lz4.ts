// A kafkajs LZ4 codec over lz4-napi (a Rivulet runtime dependency that ships prebuilt binaries), in
// place of the kafkajs-lz4 package, whose `lz4` dependency compiles with node-gyp on every
// `npm install` and so made a checkout need a C/C++ toolchain.
//
// kafkajs's codec contract (kafkajs/src/protocol/message/compression): a codec is a function
// returning { compress(encoder), decompress(buffer) }, both async; `encoder.buffer` holds the
// uncompressed records. The bytes are the LZ4 frame format (magic 0x184D2204) that Kafka's
// KafkaLZ4BlockOutputStream and kafkajs-lz4 write. lz4_flex's defaults (the same call Rivulet's
// protocol/compression.ts makes) are independent blocks, which Kafka's reader requires, a block
// size from 64 KiB to 4 MiB chosen by input size (Kafka reads all four), and no checksums. Any
// valid frame is read back (kafkajs-lz4's content checksum included).
import { compressFrame, decompressFrame } from 'lz4-napi'

export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

export function lz4Codec(): KafkajsCodec {
  return {
    compress: (encoder) => compressFrame(encoder.buffer),
    decompress: (buffer) => decompressFrame(buffer),
  }
}
