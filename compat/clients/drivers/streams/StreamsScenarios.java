// The Streams compat flow (see StreamsDriver): each step reports its scenario; a step that fails
// leaves the later scenarios failing with "not reached".
import java.util.*;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

public class StreamsScenarios extends StreamsDriver {
  static final List<String> SCENARIOS = List.of("streams-two-instances", "streams-crash-restore", "streams-eos-results", "streams-changelog-compacted");

  static boolean selected(String n) {
    String w = System.getenv("COMPAT_SCENARIO");
    if (w == null || w.isBlank()) return true;
    for (String p : w.split(",")) {
      p = p.trim();
      if (!p.isEmpty() && (p.endsWith("*") ? n.startsWith(p.substring(0, p.length() - 1)) : n.equals(p))) return true;
    }
    return false;
  }

  static int run() {
    if (SCENARIOS.stream().noneMatch(StreamsScenarios::selected)) return 0;
    int next = 0;
    try {
      next = flow();
      return 0;
    } catch (Throwable e) {
      Fail f = e instanceof Fail ? (Fail) e : null;
      if (f == null) e.printStackTrace();
      String msg = f != null ? f.getMessage() : "client error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      int at = failedAt;
      result(SCENARIOS.get(at), "fail", msg, f == null ? null : f.expected, f == null ? e.getClass().getSimpleName() : f.got, null);
      for (int i = at + 1; i < SCENARIOS.size(); i++) result(SCENARIOS.get(i), "fail", "not reached: " + SCENARIOS.get(at) + " failed", null, null, null);
      return 1;
    } finally {
      for (Process p : children) p.destroyForcibly();
    }
  }

  static int failedAt = 0;

  static int flow() throws Exception {
    createTopics();
    String changelog = appId + "-totals-store-changelog";
    try (KafkaProducer<String, String> p = producer()) {
      for (int c = 0; c < CUSTOMERS; c++) p.send(new ProducerRecord<>(prefix + "customers", customer(c), "region-" + c % 3));
      p.flush();
      // 1. two instances of one application.id split the tasks
      Process a = startInstance("A");
      awaitSharing(List.of("A"), 60_000);
      Process b = startInstance("B");
      Map<String, List<String>> shared = awaitSharing(List.of("A", "B"), 60_000);
      Set<String> overlap = new TreeSet<>(shared.get("A"));
      overlap.retainAll(shared.get("B"));
      if (!overlap.isEmpty()) throw new Fail("both instances report the same active tasks", "disjoint", shared);
      result(SCENARIOS.get(0), "pass", "A has " + shared.get("A") + ", B has " + shared.get("B"), null, null, Map.of("bothActive", true));

      // 2. kill -9 instance A mid-stream, restart it, and check nothing is counted twice
      failedAt = 1;
      produceOrders(p, T0, 0, ORDERS / 2);
      long until = System.currentTimeMillis() + 60_000;
      while (readAll(prefix + "enriched", true).size() < ORDERS / 8) {
        if (System.currentTimeMillis() > until) throw new Fail("no output within 60 s of the first orders", ">= " + ORDERS / 8 + " enriched", readAll(prefix + "enriched", true).size());
        Thread.sleep(250);
      }
      a.destroyForcibly().waitFor();
      log("killed instance A (SIGKILL) mid-stream; " + readAll(prefix + "enriched", true).size() + " enriched records so far");
      lastState.remove("A");
      produceOrders(p, T0, ORDERS / 2, ORDERS);
      a = startInstance("A");
      awaitSharing(List.of("A", "B"), 90_000);
      // let the changelogs' newest segment age past segment.ms before the last writes, so they roll
      Thread.sleep(1_200);
      for (int c = 0; c < CUSTOMERS; c++) p.send(new ProducerRecord<>(prefix + "orders", null, FLUSH_TS, "flush-" + customer(c), customer(c) + ",0"));
      p.flush();
      Map<String, String> totals = awaitLatest("totals", expectedTotals(), 90_000);
      if (!totals.equals(expectedTotals())) throw new Fail("totals per customer after the restart differ from the input's sums", expectedTotals(), totals);
      List<ConsumerRecord<String, String>> windows = awaitCount("window-counts", expectedWindows().size(), 60_000);
      Map<String, Integer> seen = new TreeMap<>();
      for (ConsumerRecord<String, String> r : windows) seen.merge(r.key(), 1, Integer::sum);
      seen.values().removeIf(n -> n == 1);
      if (!seen.isEmpty()) throw new Fail("suppressed windows emitted more than once", "each window once", seen);
      result(SCENARIOS.get(1), "pass", "killed A after partial output; totals exact and each window emitted once after restart", null, null, Map.of("exact", true));

      // 3. every output equals what the input implies
      failedAt = 2;
      if (!latest(windows).equals(expectedWindows())) throw new Fail("suppressed window counts differ from the input's", expectedWindows(), latest(windows));
      Map<String, String> enriched = awaitLatest("enriched", expectedEnriched(), 60_000);
      if (!enriched.equals(expectedEnriched())) throw new Fail("foreign-key join output differs", expectedEnriched().size() + " orders joined", enriched.size());
      result(SCENARIOS.get(2), "pass", totals.size() + " totals, " + windows.size() + " windows, " + enriched.size() + " joined orders exact", null, null,
          Map.of("totals", totals.size(), "windows", windows.size(), "enriched", enriched.size()));
      // 4. the compacted changelogs hold far fewer records than were written. Kafka never cleans a
      // log's active segment, so every changelog partition must roll once more after its last
      // update: wait past segment.ms, then touch every customer again (amount 0, 2 s later in
      // record time, as Kafka's LogSegment.shouldRoll compares record timestamps; Rivulet's roll
      // compares wall-clock time, see compat/README.md).
      failedAt = 3;
      long before = endOffsetSum(changelog);
      Thread.sleep(1_200);
      for (int c = 0; c < CUSTOMERS; c++) p.send(new ProducerRecord<>(prefix + "orders", null, FLUSH_TS + 2_000, "flush-" + customer(c), customer(c) + ",0"));
      p.flush();
      long until2 = System.currentTimeMillis() + 60_000;
      while (endOffsetSum(changelog) < before + CUSTOMERS && System.currentTimeMillis() < until2) Thread.sleep(250);
      stopInstance(a);
      stopInstance(b);
    }
    long written = endOffsetSum(changelog), onDisk = 0;
    long until = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < until) {
      onDisk = readAll(changelog, false).size();
      if (onDisk * 4 <= written) break;
      Thread.sleep(1_000);
    }
    if (onDisk * 4 > written) throw new Fail("totals-store changelog not compacted within 90 s", "records from offset 0 <= 1/4 of " + written, onDisk);
    Map<String, Object> obs = new TreeMap<>();
    obs.put("compacted", true);
    String msg = "totals-store changelog: " + onDisk + " records from offset 0, " + written + " offsets written";
    for (String s : List.of("orders-table", "customers-table")) {
      String t = appId + "-" + s + "-changelog";
      msg += "; " + s + " changelog: " + readAll(t, false).size() + " of " + endOffsetSum(t);
    }
    result(SCENARIOS.get(3), "pass", msg, null, null, obs);
    return 4;
  }

  static Map<String, String> awaitLatest(String topic, Map<String, String> want, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    Map<String, String> got = latest(readAll(prefix + topic, true));
    while (!got.equals(want) && System.currentTimeMillis() < until) {
      Thread.sleep(500);
      got = latest(readAll(prefix + topic, true));
    }
    return got;
  }

  static List<ConsumerRecord<String, String>> awaitCount(String topic, int n, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    List<ConsumerRecord<String, String>> got = readAll(prefix + topic, true);
    while (latest(got).size() < n && System.currentTimeMillis() < until) {
      Thread.sleep(500);
      got = readAll(prefix + topic, true);
    }
    return got;
  }
}
