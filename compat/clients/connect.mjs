// Kafka Connect 4.4.0 (org.apache.kafka:connect-runtime from Maven Central; the FileStream connectors
// from connect-file 4.3.1, the newest published, see drivers/connect/pom.xml): a distributed worker
// (ConnectDistributed, a child JVM) with exactly-once source support and its compacted internal
// topics, a FileStreamSource and a FileStreamSink created through its REST API, a file round-tripped
// through a topic, then the worker stopped and restarted: the source resumes from its committed offset.
// Driver: compat/clients/drivers/connect/ (ConnectDriver, ConnectScenarios).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jvmApp } from './drivers/streams/jvm-app.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export default jvmApp({ name: 'kafka-connect', dir: path.join(here, 'drivers', 'connect'), mainClass: 'ConnectDriver', timeoutMs: 300_000 });
