// Dumps Kafka's broker config table (AbstractKafkaConfig.CONFIG_DEF and
// DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS), or with the argument `topic` its topic config table
// (LogConfig's ConfigDef, every entry alterable per topic), as JSON, with what Kafka answers for a
// few probe values of each config, so Rivulet's tables (src/cluster/kafka-broker-configs.ts,
// kafka-topic-configs.ts) and validation messages can be checked against the real thing. Run by
// scripts/kafka-broker-configs.mjs.
import java.lang.reflect.Field;
import java.util.*;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.apache.kafka.server.config.DynamicBrokerConfig;
import org.apache.kafka.storage.internals.log.LogConfig;

public class KafkaBrokerConfigs {
  static final String[] PROBES = {"abc", "0", "-3", "1", "3", "maybe", "TRUE", " 5 ", "", "2147483648", "1.5", "14", "compact,delete", "compact,bogus"};

  static String q(Object o) {
    if (o == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : o.toString().toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c == '\n') b.append("\\n");
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static Object field(Object o, String name) {
    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (ReflectiveOperationException e) { /* next */ }
    }
    return null;
  }

  static String validator(ConfigDef.Validator v) {
    if (v == null) return "null";
    String cls = v.getClass().getName().replaceAll("^.*[.$]", "");
    StringBuilder b = new StringBuilder("{\"kind\":" + q(cls) + ",\"text\":" + q(v.toString()));
    if (v instanceof ConfigDef.Range) {
      b.append(",\"min\":").append(q(field(v, "min"))).append(",\"max\":").append(q(field(v, "max")));
    }
    return b.append('}').toString();
  }

  static String probe(ConfigDef.ConfigKey k, String value) {
    try {
      Object parsed = ConfigDef.parseType(k.name, value, k.type);
      if (k.validator != null) k.validator.ensureValid(k.name, parsed);
      return "null";
    } catch (ConfigException e) {
      return q(e.getMessage());
    } catch (RuntimeException e) {
      return q(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  public static void main(String[] args) {
    boolean topic = args.length > 0 && args[0].equals("topic");
    Map<String, ConfigDef.ConfigKey> keys = topic ? LogConfig.configKeys() : AbstractKafkaConfig.CONFIG_DEF.configKeys();
    Set<String> dynamic = topic ? keys.keySet() : DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS;
    List<String> out = new ArrayList<>();
    for (ConfigDef.ConfigKey k : new TreeMap<>(keys).values()) {
      String def = k.hasDefault() ? q(ConfigDef.convertToString(k.defaultValue, k.type)) : "null";
      StringBuilder probes = new StringBuilder("{");
      for (String p : PROBES) probes.append(probes.length() > 1 ? "," : "").append(q(p)).append(':').append(probe(k, p));
      probes.append('}');
      out.add("{\"name\":" + q(k.name) + ",\"type\":" + q(k.type) + ",\"default\":" + def + ",\"hasDefault\":" + k.hasDefault()
          + ",\"importance\":" + q(k.importance) + ",\"internal\":" + k.internalConfig + ",\"dynamic\":" + dynamic.contains(k.name)
          + ",\"validator\":" + validator(k.validator) + ",\"doc\":" + q(k.documentation) + ",\"probes\":" + probes + "}");
    }
    System.out.println("[\n" + String.join(",\n", out) + "\n]");
  }
}
