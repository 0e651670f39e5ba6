// One Kafka Streams instance of the compat topology, run as its own JVM by StreamsDriver so the
// driver can kill -9 it. Usage: StreamsApp <bootstrap> <prefix> <applicationId> <stateDir> <name>
//
// The topology (every part a Streams feature that leans on broker behaviour):
//   orders (key orderId, value "customer,amount", event-time timestamps)
//     -> selectKey(customer) -> groupByKey            (a repartition topic)
//        -> aggregate sum  "totals-store"              (a key-value store with a compacted changelog) -> <prefix>totals
//        -> 5 s tumbling windows, 60 s grace, count, suppress(untilWindowCloses)                 -> <prefix>window-counts
//     -> toTable "orders-table" join customers table on the customer (a foreign-key join)        -> <prefix>enriched
// processing.guarantee=exactly_once_v2, caching off (every update reaches the changelog), all
// stores in memory so a restart restores everything from the changelogs.
// Prints one JSON line per state change to stdout: {"instance","state","tasks":[active task ids]}.
// Closes cleanly on "stop" (or end of input) on stdin.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;

public class StreamsApp {
  static final Duration WINDOW = Duration.ofSeconds(5);
  static final Duration GRACE = Duration.ofSeconds(60);

  static StreamsBuilder topology(String prefix) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> orders = b.stream(prefix + "orders", Consumed.with(Serdes.String(), Serdes.String()));
    KGroupedStream<String, Long> byCustomer = orders
        .map((id, v) -> KeyValue.pair(v.split(",")[0], Long.parseLong(v.split(",")[1])))
        .groupByKey(Grouped.with("by-customer", Serdes.String(), Serdes.Long()));
    byCustomer
        .aggregate(() -> 0L, (k, amount, sum) -> sum + amount,
            Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("totals-store").withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream().mapValues(String::valueOf).to(prefix + "totals", Produced.with(Serdes.String(), Serdes.String()));
    byCustomer
        .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
        .count(Materialized.as("window-counts-store"))
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((w, n) -> KeyValue.pair(w.key() + "@" + w.window().start(), String.valueOf(n)))
        .to(prefix + "window-counts", Produced.with(Serdes.String(), Serdes.String()));
    KTable<String, String> ordersTable = orders.toTable(Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("orders-table")
        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
    KTable<String, String> customers = b.table(prefix + "customers", Consumed.with(Serdes.String(), Serdes.String()),
        Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("customers-table").withKeySerde(Serdes.String()).withValueSerde(Serdes.String()));
    ordersTable.join(customers, v -> v.split(",")[0], (o, c) -> o + "," + c)
        .toStream().to(prefix + "enriched", Produced.with(Serdes.String(), Serdes.String()));
    return b;
  }

  static Properties config(String bootstrap, String appId, String stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    // Internal topics roll a segment per second of record time and are cleanable at once, so the
    // changelogs compact within the run (Kafka never cleans the active segment).
    p.put(StreamsConfig.topicPrefix("segment.ms"), "1000");
    p.put(StreamsConfig.topicPrefix("min.cleanable.dirty.ratio"), "0.01");
    // Short group timeouts: a killed instance's tasks move within seconds, not the default 45 s.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1000);
    return p;
  }

  static List<String> activeTasks(KafkaStreams s) {
    TreeSet<String> ids = new TreeSet<>();
    for (ThreadMetadata t : s.metadataForLocalThreads()) for (TaskMetadata m : t.activeTasks()) ids.add(m.taskId().toString());
    return new ArrayList<>(ids);
  }

  static synchronized void emit(String name, String state, List<String> tasks) {
    StringBuilder sb = new StringBuilder("{\"instance\":\"").append(name).append("\",\"state\":\"").append(state).append("\",\"tasks\":[");
    for (int i = 0; i < tasks.size(); i++) sb.append(i > 0 ? "," : "").append('"').append(tasks.get(i)).append('"');
    System.out.println(sb.append("]}"));
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: StreamsApp <bootstrap> <prefix> <applicationId> <stateDir> <name>");
      System.exit(2);
    }
    String name = args[4];
    KafkaStreams streams = new KafkaStreams(topology(args[1]).build(), config(args[0], args[2], args[3]));
    KafkaStreams[] ref = { streams };
    streams.setStateListener((now, before) -> emit(name, now.name(), now == KafkaStreams.State.RUNNING ? activeTasks(ref[0]) : List.of()));
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null && !line.trim().equals("stop");) { /* wait */ }
    streams.close(Duration.ofSeconds(30));
    emit(name, "CLOSED", List.of());
    System.exit(0);
  }
}
