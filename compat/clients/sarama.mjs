// IBM/sarama (github.com/IBM/sarama): SyncProducer with every codec (snappy in sarama's xerial
// framing), idempotent producer, partition consumers, ConsumerGroup with commit + resume,
// OffsetManager (offset resets), ClusterAdmin (topics, partitions, configs, groups, records).
// Every scenario runs three times: config.Version = sarama.MaxVersion (canonical names; request
// versions capped by the broker's ApiVersions), sarama's default config.Version (names suffixed
// "-v2.8.0") and V2_1_0_0 (suffix "-v2.1.0": non-flexible request versions throughout).
// Driver: compat/clients/drivers/sarama/main.go, built by setup() into compat/.cache/sarama-driver.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBuild, goModVersion } from './franz-go.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'drivers', 'sarama');
const binary = (ctx) => path.join(ctx.cacheDir, 'sarama-driver');

export default {
  name: 'sarama',
  async setup(ctx) {
    await goBuild(ctx, src, binary(ctx), 'sarama');
  },
  async version() {
    return goModVersion(src, 'github.com/IBM/sarama') ?? 'unknown';
  },
  command(ctx, { bootstrap, prefix }) {
    return { cmd: binary(ctx), args: [bootstrap, prefix], env: {} };
  },
  timeoutMs: 420000,
};
