// Describes and alters a GROUP config resource with the Admin client and prints every entry (value,
// source, type, synonyms) and every refusal, one line each: test/fixtures/kafka-4.4-group-configs.txt
// is what Kafka 4.4.0 printed.
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.config.ConfigResource;
public class GroupConfigProbe {
  public static void main(String[] a) throws Exception {
    Properties p = new Properties(); p.put("bootstrap.servers", a[0]);
    try (Admin admin = Admin.create(p)) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.GROUP, "probe-group");
      dump(admin, r, "before");
      admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "50000"), AlterConfigOp.OpType.SET)))).all().get();
      dump(admin, r, "after");
      for (String[] kv : new String[][] {{"consumer.session.timeout.ms", "1000"}, {"nope.config", "1"}, {"consumer.heartbeat.interval.ms", "abc"}, {"consumer.heartbeat.interval.ms", "50000"}}) {
        try { admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry(kv[0], kv[1]), AlterConfigOp.OpType.SET)))).all().get(); System.out.println("alter " + kv[0] + "=" + kv[1] + " ok"); }
        catch (Exception e) { System.out.println("alter " + kv[0] + "=" + kv[1] + " " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage()); }
      }
      admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
      dump(admin, r, "deleted");
    }
  }
  static void dump(Admin admin, ConfigResource r, String tag) throws Exception {
    Config c = admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(false)).all().get().get(r);
    List<ConfigEntry> es = new ArrayList<>(c.entries()); es.sort(Comparator.comparing(ConfigEntry::name));
    for (ConfigEntry e : es) System.out.println(tag + " " + e.name() + "=" + e.value() + " src=" + e.source() + " type=" + e.type() + " ro=" + e.isReadOnly() + " sens=" + e.isSensitive() + " syn=" + e.synonyms());
  }
}
