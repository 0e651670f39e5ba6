package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// One Rivulet per test class, started as `npx rivulet --memory --port 0 --admin-port 0`
// (or `node $RIVULET_CLI ...`), emptied with POST /reset after each test.
@Timeout(60)
class RivuletFaultsTest {
  static Process broker;
  static String bootstrap;
  static String admin;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void startRivulet() throws Exception {
    String cli = System.getenv("RIVULET_CLI");
    List<String> cmd = new ArrayList<>(cli == null ? List.of("npx", "rivulet") : List.of("node", cli));
    cmd.addAll(List.of("--memory", "--port", "0", "--admin-port", "0", "--log-level", "warn"));
    broker = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    // stdout: "Admin: http://127.0.0.1:PORT", then "Rivulet is ready. Bootstrap: 127.0.0.1:PORT"
    BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
    for (String line; bootstrap == null && (line = out.readLine()) != null; ) {
      if (line.startsWith("Admin: ")) admin = line.substring("Admin: ".length());
      if (line.startsWith("Rivulet is ready. Bootstrap: ")) bootstrap = line.substring(line.lastIndexOf(' ') + 1);
    }
    if (bootstrap == null || admin == null) throw new IllegalStateException("rivulet exited before it was ready");
  }

  @AfterEach
  void reset() throws Exception {
    call("POST", "/reset", null); // no topics, groups, faults or recorded requests
  }

  @AfterAll
  static void stopRivulet() throws Exception {
    if (broker != null) {
      broker.destroy(); // SIGTERM: a graceful stop
      broker.waitFor();
    }
  }

  static JsonNode call(String method, String path, Object body) throws Exception {
    HttpRequest.BodyPublisher payload = body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
    HttpResponse<String> res = http.send(
        HttpRequest.newBuilder(URI.create(admin + path)).method(method, payload).header("content-type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(res.statusCode() < 300, method + " " + path + ": " + res.statusCode() + " " + res.body());
    return json.readTree(res.body());
  }

  static int requestCount(String api) throws Exception {
    return call("GET", "/requests?api=" + api, null).get("requests").size();
  }

  @Test
  void producerRetriesNotEnoughReplicas() throws Exception {
    call("POST", "/topics", Map.of("name", "orders", "partitions", 1));
    call("POST", "/faults", Map.of("api", "Produce", "topic", "orders", "error", "NOT_ENOUGH_REPLICAS", "times", 2));

    try (var producer = new KafkaProducer<String, String>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50), new StringSerializer(), new StringSerializer())) {
      RecordMetadata sent = producer.send(new ProducerRecord<>("orders", "order-1", "42.00")).get();
      assertEquals(0, sent.offset());
    }

    assertEquals(3, requestCount("Produce"));                                 // two refused, one appended
    assertEquals(0, call("GET", "/faults", null).get("faults").size());      // used up
    JsonNode records = call("GET", "/topics/orders/records", null).get("records");
    assertEquals(1, records.size());                                          // no duplicate
    assertEquals("42.00", records.get(0).get("value").asText());
  }

  @Test
  void consumerWaitsForTheCoordinator() throws Exception {
    call("POST", "/topics", Map.of("name", "orders", "partitions", 1));
    try (var producer = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("orders", "order-1", "42.00")).get();
    }
    call("POST", "/faults", Map.of("api", "FindCoordinator", "error", "COORDINATOR_NOT_AVAILABLE", "times", 3));

    List<String> values = new ArrayList<>();
    try (var consumer = new KafkaConsumer<String, String>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, "billing",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("orders"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) values.add(r.value());
      }
    }

    assertEquals(List.of("42.00"), values);
    assertTrue(requestCount("FindCoordinator") >= 4, "three refused lookups, then the coordinator");
  }
}
