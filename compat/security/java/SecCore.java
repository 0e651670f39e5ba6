// The compat/security core scenario with Kafka's Java client (the kafka-clients of the Kafka
// under test), as compat/security/go and confluent_python_sec.py run it:
//   java -cp 'kafka-libs/*' SecCore.java BOOTSTRAP MODE TOPIC GROUP STEPS CA CLIENT_P12 USER PASSWORD SCOPE
// MODE: scram-sha-512 | scram-sha-256 | plain (SASL_SSL, PEM truststore), ssl (client certificate
// from a PKCS12 keystore, password "rivulet"), oauth (SASL_PLAINTEXT OAUTHBEARER, the unsecured
// login module with sub=USER and scope=SCOPE). STEPS: produce,read,group; one line each.
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class SecCore {
  static final List<String> VALUES = List.of("v1", "v2", "v3");
  static final long DEADLINE_MS = 25_000;
  static String bootstrap, mode, topic, group, ca, p12, user, password, scope;

  static Properties props() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", "secdriver-java");
    p.put("request.timeout.ms", "10000");
    p.put("default.api.timeout.ms", "25000");
    if (mode.equals("oauth")) {
      p.put("security.protocol", "SASL_PLAINTEXT");
      p.put("sasl.mechanism", "OAUTHBEARER");
      p.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"" + user + "\" unsecuredLoginListClaim_scope=\"," + scope + "\";");
      return p;
    }
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", ca);
    if (mode.equals("ssl")) {
      p.put("security.protocol", "SSL");
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.location", p12);
      p.put("ssl.keystore.password", "rivulet");
      return p;
    }
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", mode.toUpperCase());
    String module = mode.equals("plain") ? "org.apache.kafka.common.security.plain.PlainLoginModule" : "org.apache.kafka.common.security.scram.ScramLoginModule";
    p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  static String describe(Throwable e) {
    while ((e instanceof ExecutionException || e.getClass() == org.apache.kafka.common.KafkaException.class) && e.getCause() != null) e = e.getCause();
    if (e instanceof org.apache.kafka.common.KafkaException && e.getMessage() != null && e.getMessage().startsWith("Failed to construct")) {
      while (e.getCause() != null) e = e.getCause();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  static String produce() throws Exception {
    Properties p = props();
    p.put("acks", "all");
    p.put("max.block.ms", "25000");
    p.put("delivery.timeout.ms", "25000");
    p.put("retries", "2");
    try (Producer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (String v : VALUES) sent.add(producer.send(new ProducerRecord<>(topic, 0, null, v)));
      for (var f : sent) f.get();
    }
    return "produced " + VALUES.size() + " records";
  }

  static List<String> poll(Consumer<String, String> c) {
    List<String> got = new ArrayList<>();
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (got.size() < VALUES.size() && System.currentTimeMillis() < end) {
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) got.add(r.value());
    }
    if (got.size() < VALUES.size()) throw new IllegalStateException(got.size() + " of " + VALUES.size() + " records in 25s");
    return got;
  }

  static String fmt(List<String> v) { return "[" + String.join(" ", v) + "]"; }

  static String read() {
    Properties p = props();
    try (Consumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      return "read from beginning " + fmt(poll(c));
    }
  }

  static String group() {
    Properties p = props();
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    try (Consumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      List<String> got = poll(c);
      c.commitSync();
      TopicPartition tp = new TopicPartition(topic, 0);
      OffsetAndMetadata m = c.committed(Set.of(tp)).get(tp);
      return "group consumed " + fmt(got) + ", committed offset " + (m == null ? -1 : m.offset());
    }
  }

  public static void main(String[] a) {
    bootstrap = a[0]; mode = a[1]; topic = a[2]; group = a[3]; ca = a[5]; p12 = a[6]; user = a[7]; password = a[8]; scope = a[9];
    for (String step : a[4].split(",")) {
      String line;
      try {
        line = switch (step) {
          case "produce" -> produce();
          case "read" -> read();
          case "group" -> group();
          default -> throw new IllegalArgumentException("unknown step " + step);
        };
      } catch (Exception e) {
        line = step + " failed: " + describe(e);
      }
      System.out.println(line);
    }
  }
}
