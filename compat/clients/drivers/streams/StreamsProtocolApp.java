// One Kafka Streams instance with group.protocol=streams (KIP-1071: the broker assigns the tasks),
// run as its own JVM by StreamsProtocolDriver. Usage: StreamsProtocolApp <bootstrap> <prefix> <applicationId> <stateDir> <name>
//
// The topology: orders (key orderId, value "customer,amount") -> selectKey(customer) -> groupByKey
// (a repartition topic the broker creates) -> aggregate sum "totals-store" (a key-value store whose
// changelog the broker creates, compacted) -> <prefix>totals. exactly_once_v2 and caching off, so
// the totals are exact and every update reaches the output.
// Prints one JSON line per state change to stdout: {"instance","state","tasks":[active task ids]}.
// Closes cleanly on "stop" (or end of input) on stdin.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;

public class StreamsProtocolApp {
  static StreamsBuilder topology(String prefix) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream(prefix + "orders", Consumed.with(Serdes.String(), Serdes.String()))
        .map((id, v) -> KeyValue.pair(v.split(",")[0], Long.parseLong(v.split(",")[1])))
        .groupByKey(Grouped.with("by-customer", Serdes.String(), Serdes.Long()))
        .aggregate(() -> 0L, (k, amount, sum) -> sum + amount,
            Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("totals-store").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream().mapValues(String::valueOf).to(prefix + "totals", Produced.with(Serdes.String(), Serdes.String()));
    return b;
  }

  static Properties config(String bootstrap, String appId, String stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    return p;
  }

  /** One JSON line: {"instance","state","tasks":[active task ids],"standby":[standby task ids]}. */
  static synchronized void emit(String name, String state, KafkaStreams running) {
    TreeSet<String> active = new TreeSet<>(), standby = new TreeSet<>();
    if (running != null) {
      for (ThreadMetadata t : running.metadataForLocalThreads()) {
        for (TaskMetadata m : t.activeTasks()) active.add(m.taskId().toString());
        for (TaskMetadata m : t.standbyTasks()) standby.add(m.taskId().toString());
      }
    }
    System.out.println("{\"instance\":\"" + name + "\",\"state\":\"" + state + "\",\"tasks\":" + json(active) + ",\"standby\":" + json(standby) + "}");
    System.out.flush();
  }

  static String json(TreeSet<String> ids) {
    StringBuilder sb = new StringBuilder("[");
    for (String id : ids) sb.append(sb.length() > 1 ? "," : "").append('"').append(id).append('"');
    return sb.append(']').toString();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: StreamsProtocolApp <bootstrap> <prefix> <applicationId> <stateDir> <name>");
      System.exit(2);
    }
    String name = args[4];
    KafkaStreams streams = new KafkaStreams(topology(args[1]).build(), config(args[0], args[2], args[3]));
    KafkaStreams[] ref = { streams };
    streams.setStateListener((now, before) -> emit(name, now.name(), now == KafkaStreams.State.RUNNING ? ref[0] : null));
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null && !line.trim().equals("stop");) { /* wait */ }
    streams.close(Duration.ofSeconds(30));
    emit(name, "CLOSED", null);
    System.exit(0);
  }
}
