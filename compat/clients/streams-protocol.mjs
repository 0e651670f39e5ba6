// Kafka Streams 4.4.0 with group.protocol=streams (KIP-1071 streams groups: the broker validates
// the topology, creates its repartition and changelog topics and assigns the tasks): a topology
// with a repartition and a changelogged state store, exactly_once_v2, run as two instances (child
// JVMs) of one application.id; the totals must be exact, the Admin client must describe the group,
// and Kafka's kafka-streams-groups tool (StreamsGroupCommand, from the Kafka 4.4.0 tools jars)
// must list and describe it. Driver: compat/clients/drivers/streams/ (StreamsProtocolDriver runs
// StreamsProtocolApp).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jvmApp } from './drivers/streams/jvm-app.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const app = jvmApp({ name: 'kafka-streams-protocol', dir: path.join(here, 'drivers', 'streams'), mainClass: 'StreamsProtocolDriver', timeoutMs: 300_000 });
let kafkaLibs = null;

export default {
  ...app,
  async setup(ctx) {
    await app.setup(ctx);
    kafkaLibs = await ctx.kafkaLibs();
  },
  command(ctx, opts) {
    const c = app.command(ctx, opts);
    return { ...c, env: { ...c.env, KAFKA_LIBS: kafkaLibs } };
  },
};
