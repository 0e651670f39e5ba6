// compat driver for Kafka Streams: runs StreamsApp (the topology) as child JVMs against one broker
// and prints one JSON line per scenario (the contract in compat/README.md).
//   StreamsDriver <bootstrap> <prefix>
// One flow, four scenarios: two instances share the tasks (streams-two-instances), one is killed
// with SIGKILL mid-stream and restarted (streams-crash-restore: its in-memory stores come back from
// the changelogs, and no order is counted twice), the outputs equal what the input implies
// (streams-eos-results), and the changelog topics are compacted afterwards (streams-changelog-compacted).
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class StreamsDriver {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int CUSTOMERS = 12, ORDERS = 1200, PARTITIONS = 4;
  static String bootstrap, prefix, appId;
  static File stateRoot;
  static final List<Process> children = new ArrayList<>();
  static final Map<String, Map<String, Object>> lastState = new ConcurrentHashMap<>();

  static class Fail extends RuntimeException {
    final Object expected, got;
    Fail(String m, Object expected, Object got) { super(m); this.expected = expected; this.got = got; }
  }
  static void log(String m) { System.err.println("[streams] " + m); }

  static void result(String scenario, String status, String message, Object expected, Object got, Map<String, Object> observed) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", scenario);
    out.put("status", status);
    out.put("message", message);
    if (expected != null) out.put("expected", expected);
    if (got != null) out.put("got", got);
    if (observed != null && !observed.isEmpty()) out.put("observed", observed);
    try { System.out.println(JSON.writeValueAsString(out)); } catch (Exception e) { throw new RuntimeException(e); }
    System.out.flush();
    log("--- " + scenario + ": " + status + " " + message);
  }

  // ------------------------------------------------------------------------------------------
  // child instances

  static Process startInstance(String name) throws Exception {
    return startInstance(name, "StreamsApp");
  }

  /** Runs mainClass (StreamsApp or StreamsProtocolApp) as a child JVM of one application.id. */
  static Process startInstance(String name, String mainClass) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) cmd.add("-Dlog4j2.configurationFile=" + log4j);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, bootstrap, prefix, appId,
        new File(stateRoot, name).getPath(), name));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    children.add(p);
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
        for (String line; (line = r.readLine()) != null;) {
          log(line);
          try {
            @SuppressWarnings("unchecked") Map<String, Object> m = JSON.readValue(line, Map.class);
            if (m.get("instance") != null) lastState.put(name, m);
          } catch (Exception e) { /* not a state line */ }
        }
      } catch (Exception e) { /* process gone */ }
    });
    t.setDaemon(true);
    t.start();
    return p;
  }

  static void stopInstance(Process p) throws Exception {
    p.getOutputStream().write("stop\n".getBytes());
    p.getOutputStream().flush();
    if (!p.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
  }

  @SuppressWarnings("unchecked")
  static List<String> tasksIfRunning(String name) {
    Map<String, Object> m = lastState.get(name);
    return m != null && "RUNNING".equals(m.get("state")) ? (List<String>) m.get("tasks") : null;
  }

  /** Waits until every named instance reports RUNNING with at least one active task. */
  static Map<String, List<String>> awaitSharing(List<String> names, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < until) {
      Map<String, List<String>> got = new TreeMap<>();
      for (String n : names) {
        List<String> t = tasksIfRunning(n);
        if (t != null && !t.isEmpty()) got.put(n, t);
      }
      if (got.size() == names.size()) return got;
      Thread.sleep(200);
    }
    throw new Fail("instances did not all reach RUNNING with active tasks within " + timeoutMs + " ms", names, new TreeMap<>(lastState));
  }

  // ------------------------------------------------------------------------------------------
  // input, output

  static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static String customer(int i) { return String.format("c%02d", i % CUSTOMERS); }
  static long amount(int i) { return 1 + (i * 7L) % 13; }

  /** Orders [from, to): order i has customer i % 12, amount 1..13, timestamp t0 + 10 ms * i. */
  static void produceOrders(KafkaProducer<String, String> p, long t0, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      p.send(new ProducerRecord<>(prefix + "orders", null, t0 + 10L * i, String.format("o%04d", i), customer(i) + "," + amount(i)));
    }
    p.flush();
  }

  /** Reads a topic from the beginning to its end offsets (read_committed unless told). */
  static List<ConsumerRecord<String, String>> readAll(String topic, boolean committed) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) tps.add(new TopicPartition(topic, pi.partition()));
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      long until = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < until) {
        boolean done = true;
        for (TopicPartition tp : tps) if (c.position(tp) < end.get(tp)) done = false;
        if (done) break;
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) out.add(r);
      }
    }
    return out;
  }

  static Map<String, String> latest(List<ConsumerRecord<String, String>> rs) {
    Map<String, String> m = new TreeMap<>();
    for (ConsumerRecord<String, String> r : rs) m.put(r.key(), r.value());
    return m;
  }

  static long endOffsetSum(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) tps.add(new TopicPartition(topic, pi.partition()));
      long sum = 0;
      for (long e : c.endOffsets(tps).values()) sum += e;
      return sum;
    }
  }

  // ------------------------------------------------------------------------------------------
  // expectations

  static final long T0 = (System.currentTimeMillis() / 5000) * 5000 - 60_000;
  static final long FLUSH_TS = T0 + 600_000;

  static Map<String, String> expectedTotals() {
    Map<String, Long> m = new TreeMap<>();
    for (int i = 0; i < ORDERS; i++) m.merge(customer(i), amount(i), Long::sum);
    Map<String, String> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  static Map<String, String> expectedWindows() {
    Map<String, Long> m = new TreeMap<>();
    for (int i = 0; i < ORDERS; i++) {
      long ts = T0 + 10L * i;
      m.merge(customer(i) + "@" + (ts - Math.floorMod(ts, 5000L)), 1L, Long::sum);
    }
    Map<String, String> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  static Map<String, String> expectedEnriched() {
    Map<String, String> m = new TreeMap<>();
    for (int i = 0; i < ORDERS; i++) m.put(String.format("o%04d", i), customer(i) + "," + amount(i) + ",region-" + (i % CUSTOMERS) % 3);
    for (int c = 0; c < CUSTOMERS; c++) m.put("flush-" + customer(c), customer(c) + ",0,region-" + c % 3);
    return m;
  }

  public static void main(String[] args) throws Exception {
    bootstrap = args[0];
    prefix = args[1] + "-";
    appId = prefix + "app";
    stateRoot = Files.createTempDirectory("rivulet-compat-streams-").toFile();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : children) p.destroyForcibly();
      deleteTree(stateRoot);
    }));
    int code = StreamsScenarios.run();
    System.exit(code);
  }

  static void deleteTree(File f) {
    File[] kids = f.listFiles();
    if (kids != null) for (File k : kids) deleteTree(k);
    f.delete();
  }

  static void createTopics() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin a = Admin.create(p)) {
      List<NewTopic> ts = new ArrayList<>();
      for (String t : List.of("orders", "customers", "totals", "window-counts", "enriched")) ts.add(new NewTopic(prefix + t, PARTITIONS, (short) 1));
      a.createTopics(ts).all().get();
    }
  }
}
