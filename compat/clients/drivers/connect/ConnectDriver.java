// compat driver for Kafka Connect: runs a distributed worker (org.apache.kafka.connect.cli.ConnectDistributed,
// as connect-distributed.sh does) as a child JVM against one broker, drives it through its REST API and
// prints one JSON line per scenario (the contract in compat/README.md).
//   ConnectDriver <bootstrap> <prefix>
// The flow and its scenarios are in ConnectScenarios; this file holds the worker, REST and topic helpers.
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

public class ConnectDriver {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static String bootstrap, prefix;
  static File workDir;
  static Process worker;
  static volatile String restUrl;

  static class Fail extends RuntimeException {
    final Object expected, got;
    Fail(String m, Object expected, Object got) { super(m); this.expected = expected; this.got = got; }
  }
  static void log(String m) { System.err.println("[connect] " + m); }

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
  // the worker

  static String topic(String name) { return prefix + name; }

  /**
   * The worker's properties, as a user would write connect-distributed.properties: string
   * converters, the three internal topics (Connect creates them compacted and checks
   * cleanup.policy with DescribeConfigs), exactly-once source support (KIP-618: transactional
   * task producers, a transactional leader writing the config topic, read_committed offset reads)
   * and REST on a port the OS picks.
   */
  static Properties workerProps() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", prefix + "cluster");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("config.storage.topic", topic("connect-configs"));
    p.put("offset.storage.topic", topic("connect-offsets"));
    p.put("status.storage.topic", topic("connect-status"));
    p.put("config.storage.replication.factor", "1");
    p.put("offset.storage.replication.factor", "1");
    p.put("status.storage.replication.factor", "1");
    p.put("offset.storage.partitions", "3");
    p.put("status.storage.partitions", "2");
    p.put("offset.flush.interval.ms", "1000");
    p.put("exactly.once.source.support", "enabled");
    p.put("listeners", "http://127.0.0.1:0");
    // plugins from the classpath's ServiceLoader manifests (connect-file has them) instead of a
    // reflective scan of every jar: same plugins, seconds faster
    p.put("plugin.discovery", "service_load");
    // a restarted worker gets its connectors back at once (no wait for a departed member)
    p.put("scheduled.rebalance.max.delay.ms", "1000");
    return p;
  }

  static final Pattern REST_LINE = Pattern.compile("REST server listening at (http://[^/,\\s]+)/");

  /** Starts ConnectDistributed and waits until its REST API answers (the herder may still be joining). */
  static void startWorker() throws Exception {
    File props = new File(workDir, "worker.properties");
    try (var w = Files.newBufferedWriter(props.toPath())) { workerProps().store(w, "rivulet compat"); }
    File log4j = new File(workDir, "worker-log4j2.properties");
    Files.writeString(log4j.toPath(), String.join("\n", "status = error", "appender.err.type = Console", "appender.err.name = err",
        "appender.err.target = SYSTEM_ERR", "appender.err.layout.type = PatternLayout", "appender.err.layout.pattern = [worker] [%d] %p %m (%c)%n",
        "rootLogger.level = WARN", "rootLogger.appenderRef.err.ref = err",
        "logger.rest.name = org.apache.kafka.connect.runtime.rest.RestServer", "logger.rest.level = INFO", ""));
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-Dlog4j2.configurationFile=" + log4j,
        "-cp", System.getProperty("java.class.path"), "org.apache.kafka.connect.cli.ConnectDistributed", props.getPath());
    restUrl = null;
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    worker = p;
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream()))) {
        for (String line; (line = r.readLine()) != null;) {
          System.err.println(line);
          Matcher m = REST_LINE.matcher(line);
          if (m.find()) restUrl = m.group(1);
        }
      } catch (Exception e) { /* process gone */ }
    });
    t.setDaemon(true);
    t.start();
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      if (!p.isAlive()) throw new Fail("the Connect worker exited with code " + p.exitValue() + " during start-up (see the log)", "a running worker", "exit " + p.exitValue());
      if (restUrl != null && rest("GET", "/", null).statusCode() == 200) return;
      Thread.sleep(200);
    }
    throw new Fail("the Connect worker's REST API did not answer within 60 s", "REST up", restUrl);
  }

  /** SIGTERM, as Ctrl-C on connect-distributed.sh: Connect's shutdown hook stops the herder gracefully. */
  static void stopWorker() throws Exception {
    if (worker == null) return;
    worker.destroy();
    if (!worker.waitFor(60, TimeUnit.SECONDS)) {
      worker.destroyForcibly().waitFor();
      throw new Fail("the Connect worker did not stop within 60 s of SIGTERM", "a graceful stop", "killed");
    }
    worker = null;
  }

  // ------------------------------------------------------------------------------------------
  // REST

  static HttpResponse<String> rest(String method, String path, Object body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    if (body != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    else b.method(method, HttpRequest.BodyPublishers.noBody());
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return new FakeResponse(e.toString());
    }
  }

  /** PUT /connectors/{name}/config (create or update), retried while the worker joins its group (409/503 meanwhile). */
  static void putConnector(String name, Map<String, String> config) throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    HttpResponse<String> r = null;
    while (System.currentTimeMillis() < until) {
      r = rest("PUT", "/connectors/" + name + "/config", config);
      if (r.statusCode() == 200 || r.statusCode() == 201) return;
      Thread.sleep(500);
    }
    throw new Fail("PUT /connectors/" + name + "/config kept failing for 60 s", "201 Created", r == null ? null : r.statusCode() + " " + r.body());
  }

  /** Waits until the connector and all its tasks report RUNNING in GET /connectors/{name}/status. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> awaitRunning(String name, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    Object last = null;
    while (System.currentTimeMillis() < until) {
      HttpResponse<String> r = rest("GET", "/connectors/" + name + "/status", null);
      if (r.statusCode() == 200) {
        Map<String, Object> s = JSON.readValue(r.body(), Map.class);
        last = s;
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) s.get("tasks");
        boolean running = "RUNNING".equals(((Map<String, Object>) s.get("connector")).get("state")) && tasks != null && !tasks.isEmpty()
            && tasks.stream().allMatch(t -> "RUNNING".equals(t.get("state")));
        if (running) return s;
        if (tasks != null && tasks.stream().anyMatch(t -> "FAILED".equals(t.get("state")))) throw new Fail("connector " + name + " has a FAILED task", "RUNNING", s);
      } else {
        last = r.statusCode() + " " + r.body();
      }
      Thread.sleep(250);
    }
    throw new Fail("connector " + name + " not RUNNING within " + timeoutMs + " ms", "RUNNING with its tasks", last);
  }

  // ------------------------------------------------------------------------------------------
  // topics and files

  static Admin admin() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return Admin.create(p);
  }

  /** name → { partitions, cleanup.policy } of the given topics. */
  static Map<String, Object> describeTopics(List<String> names) throws Exception {
    Map<String, Object> out = new TreeMap<>();
    try (Admin a = admin()) {
      Map<String, TopicDescription> d = a.describeTopics(names).allTopicNames().get();
      List<ConfigResource> rs = new ArrayList<>();
      for (String n : names) rs.add(new ConfigResource(ConfigResource.Type.TOPIC, n));
      Map<ConfigResource, Config> cs = a.describeConfigs(rs).all().get();
      for (String n : names) {
        Map<String, Object> m = new TreeMap<>();
        m.put("partitions", d.get(n).partitions().size());
        m.put("cleanup.policy", cs.get(new ConfigResource(ConfigResource.Type.TOPIC, n)).get("cleanup.policy").value());
        out.put(n.substring(prefix.length()), m);
      }
    }
    return out;
  }

  /** Reads a topic from the beginning to its end offsets, read_committed; values in offset order per partition. */
  static List<ConsumerRecord<String, String>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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

  static List<String> values(List<ConsumerRecord<String, String>> rs) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<String, String> r : rs) out.add(r.value());
    return out;
  }

  static long endOffset(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      long sum = 0;
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) tps.add(new TopicPartition(topic, pi.partition()));
      for (long e : c.endOffsets(tps).values()) sum += e;
      return sum;
    }
  }

  static List<String> fileLines(File f) throws Exception {
    return f.exists() ? Files.readAllLines(f.toPath(), StandardCharsets.UTF_8) : List.of();
  }

  static void appendLines(File f, List<String> lines) throws Exception {
    Files.writeString(f.toPath(), String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  public static void main(String[] args) throws Exception {
    bootstrap = args[0];
    prefix = args[1] + "-";
    workDir = Files.createTempDirectory("rivulet-compat-connect-").toFile();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (worker != null) worker.destroyForcibly();
      deleteTree(workDir);
    }));
    System.exit(ConnectScenarios.run());
  }

  static void deleteTree(File f) {
    File[] kids = f.listFiles();
    if (kids != null) for (File k : kids) deleteTree(k);
    f.delete();
  }

  /** A transport failure as a response, so retry loops treat "not listening yet" like a 503. */
  static final class FakeResponse implements HttpResponse<String> {
    final String error;
    FakeResponse(String error) { this.error = error; }
    public int statusCode() { return 599; }
    public HttpRequest request() { return null; }
    public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
    public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true); }
    public String body() { return error; }
    public Optional<javax.net.ssl.SSLSession> sslSession() { return Optional.empty(); }
    public URI uri() { return null; }
    public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
  }
}
