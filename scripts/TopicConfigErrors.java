// Asks a broker, through Kafka's own Admin client, what it answers to bad topic config values on
// CreateTopics and IncrementalAlterConfigs (both validateOnly). Prints one line per request:
//   create|incr  name=value -> OK | ExceptionClass: message
// Run by scripts/kafka-topic-config-errors.mjs against Kafka 4.4 to write
// test/fixtures/kafka-topic-config-errors.json.
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.config.ConfigResource;

public class TopicConfigErrors {
  static String[][] CASES = {
    {"retention.ms", "abc"}, {"cleanup.policy", "bogus"}, {"cleanup.policy", "compact,bogus"}, {"cleanup.policy", ""},
    {"min.cleanable.dirty.ratio", "1.5"}, {"min.cleanable.dirty.ratio", "-0.1"}, {"segment.bytes", "14"}, {"segment.bytes", "100"},
    {"message.timestamp.type", "Bogus"}, {"compression.type", "brotli"}, {"compression.gzip.level", "12"}, {"preallocate", "maybe"},
    {"max.message.bytes", "-5"}, {"follower.replication.throttled.replicas", "abc"}, {"remote.storage.enable", "true"},
    {"no.such.config", "1"}, {"retention.bytes", "-3"}, {"segment.ms", "0"}, {"flush.messages", "2147483648999999999999"}
  };
  static String err(Throwable e) {
    Throwable c = e.getCause() != null ? e.getCause() : e;
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
  public static void main(String[] a) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", a[0]);
    try (Admin admin = Admin.create(p)) {
      String base = a.length > 1 ? a[1] : "probe";
      admin.createTopics(List.of(new NewTopic(base + "-alter", 1, (short) 1))).all().get();
      int i = 0;
      for (String[] c : CASES) {
        String line = c[0] + "=" + c[1];
        try {
          admin.createTopics(List.of(new NewTopic(base + "-" + (i++), 1, (short) 1).configs(Map.of(c[0], c[1]))), new CreateTopicsOptions().validateOnly(true)).all().get();
          System.out.println("create  " + line + " -> OK");
        } catch (Exception e) { System.out.println("create  " + line + " -> " + err(e)); }
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, base + "-alter");
        try {
          admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry(c[0], c[1]), AlterConfigOp.OpType.SET))), new AlterConfigsOptions().validateOnly(true)).all().get();
          System.out.println("incr    " + line + " -> OK");
        } catch (Exception e) { System.out.println("incr    " + line + " -> " + err(e)); }
      }
    }
  }
}
