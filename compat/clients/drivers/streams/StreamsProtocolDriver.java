// compat driver for Kafka Streams with group.protocol=streams (KIP-1071, streams groups): runs
// StreamsProtocolApp as two child JVMs of one application.id and prints one JSON line per scenario.
//   StreamsProtocolDriver <bootstrap> <prefix>
// streams-protocol-two-instances: both instances run with disjoint active tasks that together are
//   every task of the topology (2 subtopologies x 4 partitions), as the broker's task assignor
//   gave them, and, with the group config streams.num.standby.replicas=1, each holds a standby of
//   every stateful task (the store's subtopology) the other runs;
// streams-protocol-results: the totals (through the repartition topic and the state store) are
//   exactly what the input implies;
// streams-protocol-describe: Admin.describeStreamsGroups shows a Stable streams group of two
//   members with its two subtopologies, ListGroups shows it as type streams, and the broker created
//   the repartition and changelog topics (4 partitions; the changelog compacted);
// streams-protocol-tool: kafka-streams-groups (StreamsGroupCommand, from $KAFKA_LIBS) --list shows
//   the group, --describe --members shows its two members, --describe --offsets its input topics.
import java.util.*;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.config.ConfigResource;

public class StreamsProtocolDriver extends StreamsDriver {
  static final List<String> SCENARIOS = List.of("streams-protocol-two-instances", "streams-protocol-results", "streams-protocol-describe", "streams-protocol-tool");
  static int failedAt = 0;

  public static void main(String[] args) throws Exception {
    bootstrap = args[0];
    prefix = args[1] + "-";
    appId = prefix + "app";
    stateRoot = java.nio.file.Files.createTempDirectory("rivulet-compat-streams-protocol-").toFile();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : children) p.destroyForcibly();
      deleteTree(stateRoot);
    }));
    if (SCENARIOS.stream().noneMatch(StreamsScenarios::selected)) System.exit(0);
    int code = 0;
    try {
      flow();
    } catch (Throwable e) {
      Fail f = e instanceof Fail ? (Fail) e : null;
      if (f == null) e.printStackTrace();
      String msg = f != null ? f.getMessage() : "client error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      result(SCENARIOS.get(failedAt), "fail", msg, f == null ? null : f.expected, f == null ? e.getClass().getSimpleName() : f.got, null);
      for (int i = failedAt + 1; i < SCENARIOS.size(); i++) result(SCENARIOS.get(i), "fail", "not reached: " + SCENARIOS.get(failedAt) + " failed", null, null, null);
      code = 1;
    } finally {
      for (Process p : children) p.destroyForcibly();
    }
    System.exit(code);
  }

  static void flow() throws Exception {
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(ap); KafkaProducer<String, String> producer = producer()) {
      admin.createTopics(List.of(new NewTopic(prefix + "orders", PARTITIONS, (short) 1), new NewTopic(prefix + "totals", PARTITIONS, (short) 1))).all().get();
      // Standbys are the broker's business with the streams protocol: a group config (KIP-1071).
      ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, appId);
      admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(new ConfigEntry("streams.num.standby.replicas", "1"), AlterConfigOp.OpType.SET)))).all().get();
      // 1. two instances share the tasks the broker assigns
      Process a = startInstance("A", "StreamsProtocolApp");
      awaitSharing(List.of("A"), 90_000);
      Process b = startInstance("B", "StreamsProtocolApp");
      Map<String, List<String>> shared = awaitSharing(List.of("A", "B"), 90_000);
      Set<String> all = new TreeSet<>(shared.get("A"));
      all.addAll(shared.get("B"));
      Set<String> overlap = new TreeSet<>(shared.get("A"));
      overlap.retainAll(shared.get("B"));
      Set<String> expectedTasks = new TreeSet<>();
      for (int s = 0; s < 2; s++) for (int p = 0; p < PARTITIONS; p++) expectedTasks.add(s + "_" + p);
      if (!overlap.isEmpty()) throw new Fail("both instances report the same active tasks", "disjoint", shared);
      awaitAllTasks(expectedTasks, 60_000);
      shared = Map.of("A", tasksIfRunning("A"), "B", tasksIfRunning("B"));
      Map<String, List<String>> standbys = awaitStandbys(60_000);
      result(SCENARIOS.get(0), "pass", "A has " + shared.get("A") + " (standby " + standbys.get("A") + "), B has " + shared.get("B") + " (standby " + standbys.get("B") + ")", null, null, Map.of("tasks", expectedTasks.size()));

      // 2. exact totals through the repartition topic and the state store
      failedAt = 1;
      produceOrders(producer, T0, 0, ORDERS);
      Map<String, String> want = expectedTotals();
      Map<String, String> got = Map.of();
      long until = System.currentTimeMillis() + 90_000;
      while (System.currentTimeMillis() < until && !(got = latest(readAll(prefix + "totals", true))).equals(want)) Thread.sleep(500);
      if (!got.equals(want)) throw new Fail("totals differ from the input", want, got);
      result(SCENARIOS.get(1), "pass", ORDERS + " orders summed exactly into " + want.size() + " customer totals", null, null, null);

      // 3. the group as the Admin client and the broker show it
      failedAt = 2;
      describe(admin);

      // 4. Kafka's kafka-streams-groups tool
      failedAt = 3;
      tool();
      stopInstance(a);
      stopInstance(b);
    }
  }

  static String runTool(String... args) throws Exception {
    String libs = System.getenv("KAFKA_LIBS");
    if (libs == null) throw new Fail("KAFKA_LIBS is not set", "the Kafka 4.4.0 tools jars", null);
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", libs + "/*",
        "org.apache.kafka.tools.streams.StreamsGroupCommand", "--bootstrap-server", bootstrap));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
    log("kafka-streams-groups " + String.join(" ", args) + " ->\n" + out);
    return out;
  }

  static void tool() throws Exception {
    String list = runTool("--list");
    if (!list.lines().anyMatch(l -> l.trim().equals(appId))) throw new Fail("--list does not show the group", appId, list);
    String members = runTool("--describe", "--group", appId, "--members");
    long lines = members.lines().filter(l -> l.startsWith(appId + " ")).count();
    if (lines != 2) throw new Fail("--describe --members does not show two members", 2, members);
    String offsets = runTool("--describe", "--group", appId, "--offsets");
    if (!offsets.contains(prefix + "orders") || !offsets.contains(appId + "-by-customer-repartition")) throw new Fail("--describe --offsets does not show the input topics", prefix + "orders", offsets);
    result(SCENARIOS.get(3), "pass", "--list, --describe --members (2 members) and --describe --offsets", null, null, null);
  }

  @SuppressWarnings("unchecked")
  static List<String> standbyIfRunning(String name) {
    Map<String, Object> m = lastState.get(name);
    return m != null && "RUNNING".equals(m.get("state")) ? (List<String>) m.get("standby") : null;
  }

  /** Waits until each instance holds as standby exactly the other's active tasks of the stateful subtopology 1. */
  static Map<String, List<String>> awaitStandbys(long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < until) {
      List<String> a = tasksIfRunning("A"), b = tasksIfRunning("B"), sa = standbyIfRunning("A"), sb = standbyIfRunning("B");
      if (a != null && b != null && sa != null && sb != null) {
        List<String> wantA = b.stream().filter(t -> t.startsWith("1_")).toList(), wantB = a.stream().filter(t -> t.startsWith("1_")).toList();
        if (sa.equals(wantA) && sb.equals(wantB)) return Map.of("A", sa, "B", sb);
      }
      Thread.sleep(200);
    }
    throw new Fail("each instance should hold the other's stateful tasks as standby (streams.num.standby.replicas=1)", "A standby = B's 1_*, B standby = A's 1_*", new TreeMap<>(lastState));
  }

  static void awaitAllTasks(Set<String> expected, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    Set<String> got = Set.of();
    while (System.currentTimeMillis() < until) {
      List<String> a = tasksIfRunning("A"), b = tasksIfRunning("B");
      if (a != null && b != null) {
        Set<String> union = new TreeSet<>(a);
        union.addAll(b);
        got = union;
        if (union.equals(expected) && a.size() + b.size() == expected.size()) return;
      }
      Thread.sleep(200);
    }
    throw new Fail("the two instances do not own every task exactly once", expected, new TreeMap<>(lastState));
  }

  static void describe(Admin admin) throws Exception {
    StreamsGroupDescription d = admin.describeStreamsGroups(List.of(appId)).describedGroups().get(appId).get();
    List<String> members = new ArrayList<>();
    for (StreamsGroupMemberDescription m : d.members()) members.add(m.assignment().activeTasks().size() + " active");
    Map<String, Object> seen = new TreeMap<>();
    seen.put("state", String.valueOf(d.groupState()));
    seen.put("members", d.members().size());
    seen.put("subtopologies", d.subtopologies().size());
    if (d.groupState() != GroupState.STABLE || d.members().size() != 2 || d.subtopologies().size() != 2) {
      throw new Fail("describeStreamsGroups", Map.of("state", "STABLE", "members", 2, "subtopologies", 2), seen);
    }
    boolean listed = false;
    for (GroupListing g : admin.listGroups(ListGroupsOptions.forStreamsGroups()).all().get()) {
      if (g.groupId().equals(appId) && g.type().orElse(null) == GroupType.STREAMS) listed = true;
    }
    if (!listed) throw new Fail("listGroups(forStreamsGroups) does not list the application", appId, seen);
    String repartition = appId + "-by-customer-repartition", changelog = appId + "-totals-store-changelog";
    Map<String, TopicDescription> topics = admin.describeTopics(List.of(repartition, changelog)).allTopicNames().get();
    seen.put("repartitionPartitions", topics.get(repartition).partitions().size());
    seen.put("changelogPartitions", topics.get(changelog).partitions().size());
    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
    Config cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
    seen.put("changelogCleanupPolicy", cfg.get("cleanup.policy").value());
    if (!seen.get("repartitionPartitions").equals(PARTITIONS) || !seen.get("changelogPartitions").equals(PARTITIONS) || !"compact".equals(seen.get("changelogCleanupPolicy"))) {
      throw new Fail("internal topics", Map.of("partitions", PARTITIONS, "changelogCleanupPolicy", "compact"), seen);
    }
    result(SCENARIOS.get(2), "pass", "Stable streams group of 2 members (" + String.join(", ", members) + "), 2 subtopologies, internal topics created", null, null, seen);
  }
}
