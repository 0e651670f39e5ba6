// The Connect compat flow (see ConnectDriver): each step reports its scenario; a step that fails
// leaves the later scenarios failing with "not reached".
import java.io.File;
import java.util.*;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;

public class ConnectScenarios extends ConnectDriver {
  static final List<String> SCENARIOS = List.of("connect-file-roundtrip", "connect-exactly-once-source", "connect-internal-topics", "connect-restart-resume");
  static final int FIRST = 300, SECOND = 200;
  static int failedAt = 0;

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
    if (SCENARIOS.stream().noneMatch(ConnectScenarios::selected)) return 0;
    try {
      flow();
      return 0;
    } catch (Throwable e) {
      Fail f = e instanceof Fail ? (Fail) e : null;
      if (f == null) e.printStackTrace();
      String msg = f != null ? f.getMessage() : "client error: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      result(SCENARIOS.get(failedAt), "fail", msg, f == null ? null : f.expected, f == null ? e.getClass().getSimpleName() : f.got, null);
      for (int i = failedAt + 1; i < SCENARIOS.size(); i++) result(SCENARIOS.get(i), "fail", "not reached: " + SCENARIOS.get(failedAt) + " failed", null, null, null);
      return 1;
    } finally {
      if (worker != null) worker.destroyForcibly();
    }
  }

  /** Line i of the source file: distinct, so a duplicate or a gap shows in the comparison. */
  static List<String> lines(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add(String.format("line %04d: the quick brown fox, %d", i, i * 7919 % 1000));
    return out;
  }

  static Map<String, String> sourceConfig(File in) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", "FileStreamSource");
    c.put("tasks.max", "1");
    c.put("file", in.getPath());
    c.put("topic", topic("lines"));
    // KIP-618: fail instead of running at-least-once if the connector or worker cannot do it
    c.put("exactly.once.support", "required");
    c.put("transaction.boundary", "poll");
    return c;
  }

  static Map<String, String> sinkConfig(File out) {
    return new LinkedHashMap<>(Map.of("connector.class", "FileStreamSink", "tasks.max", "1", "file", out.getPath(), "topics", topic("lines")));
  }

  /** Waits until the topic holds at least n committed records (or the timeout); returns what it holds. */
  static List<String> awaitTopic(String t, int n, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    List<String> got = values(readAll(t));
    while (got.size() < n && System.currentTimeMillis() < until) {
      Thread.sleep(500);
      got = values(readAll(t));
    }
    return got;
  }

  static List<String> awaitFile(File f, List<String> want, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    List<String> got = fileLines(f);
    while (!got.equals(want) && got.size() <= want.size() && System.currentTimeMillis() < until) {
      Thread.sleep(250);
      got = fileLines(f);
    }
    return got;
  }

  static void flow() throws Exception {
    File in = new File(workDir, "in.txt"), out = new File(workDir, "out.txt");
    String lines = topic("lines"), src = prefix + "file-source", sink = prefix + "file-sink";
    try (Admin a = admin()) {
      // one partition: the file's order is the topic's order
      a.createTopics(List.of(new NewTopic(lines, 1, (short) 1))).all().get();
    }
    List<String> first = lines(0, FIRST);
    appendLines(in, first);

    // 1. a file through a topic into a file
    startWorker();
    log("worker REST at " + restUrl);
    putConnector(src, sourceConfig(in));
    putConnector(sink, sinkConfig(out));
    awaitRunning(src, 60_000);
    awaitRunning(sink, 60_000);
    List<String> inTopic = awaitTopic(lines, FIRST, 60_000);
    if (!inTopic.equals(first)) throw new Fail("the topic does not hold the source file's lines in order", first.size() + " lines", diff(first, inTopic));
    List<String> written = awaitFile(out, first, 60_000);
    if (!written.equals(first)) throw new Fail("the sink file differs from the source file", first.size() + " lines", diff(first, written));
    result(SCENARIOS.get(0), "pass", FIRST + " lines: file → FileStreamSource → " + lines + " → FileStreamSink → file, exact", null, null,
        Map.of("records", inTopic.size(), "sinkLines", written.size()));

    // 2. exactly-once source (KIP-618): the worker accepts exactly.once.support=required for
    // FileStreamSource, and its records arrive in transactions (commit markers take offsets)
    failedAt = 1;
    Map<String, String> toValidate = sourceConfig(in);
    toValidate.put("name", src);
    @SuppressWarnings("unchecked") Map<String, Object> v = JSON.readValue(
        rest("PUT", "/connector-plugins/FileStreamSource/config/validate", toValidate).body(), Map.class);
    long end = endOffset(lines);
    if (!Integer.valueOf(0).equals(v.get("error_count"))) throw new Fail("config validation with exactly.once.support=required reported errors", 0, validationErrors(v));
    if (end <= FIRST) throw new Fail("no transaction markers after the source's records: were they written outside transactions?", "end offset > " + FIRST, end);
    result(SCENARIOS.get(1), "pass", "exactly.once.support=required validates and runs; end offset " + end + " for " + FIRST + " records (commit markers)", null, null,
        Map.of("validationErrors", 0, "transactional", true));

    // 3. the internal topics Connect created (and checked) are compacted
    failedAt = 2;
    Map<String, Object> internal = describeTopics(List.of(topic("connect-configs"), topic("connect-offsets"), topic("connect-status")));
    for (Object d : internal.values()) {
      if (!"compact".equals(((Map<?, ?>) d).get("cleanup.policy"))) throw new Fail("an internal topic is not cleanup.policy=compact", "compact", internal);
    }
    result(SCENARIOS.get(2), "pass", "config/offset/status topics: " + internal, null, null, internal);

    // 4. stop the worker, append to the file, restart: the source resumes at the position it
    // committed to the (compacted) offsets topic, the sink at its group's committed offset
    failedAt = 3;
    stopWorker();
    List<String> second = lines(FIRST, FIRST + SECOND);
    appendLines(in, second);
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    startWorker();
    awaitRunning(src, 90_000);
    awaitRunning(sink, 90_000);
    inTopic = awaitTopic(lines, all.size(), 60_000);
    if (!inTopic.equals(all)) throw new Fail("after the restart the topic is not the file's lines exactly once", all.size() + " lines in order", diff(all, inTopic));
    written = awaitFile(out, all, 60_000);
    if (!written.equals(all)) throw new Fail("after the restart the sink file is not the source file", all.size() + " lines", diff(all, written));
    inTopic = values(readAll(lines));
    if (!inTopic.equals(all)) throw new Fail("the source wrote more after catching up", all.size(), diff(all, inTopic));
    long position = committedPosition(src), size = in.length();
    if (position != size) throw new Fail("the source's offset in " + topic("connect-offsets") + " is not the end of its file", size, position);
    List<String> connectors = JSON.readValue(rest("GET", "/connectors", null).body(), List.class);
    Collections.sort(connectors);
    result(SCENARIOS.get(3), "pass", "stopped, appended " + SECOND + " lines, restarted: topic and sink file hold all " + all.size() + " lines once; source offset " + position + " = file size; connectors " + connectors,
        null, null, Map.of("records", inTopic.size(), "sinkLines", written.size(), "connectors", connectors.size(), "offsetIsFileEnd", true));
    stopWorker();
  }

  /**
   * The newest committed source offset of a connector in the worker's offsets topic: FileStreamSourceTask
   * stores {"position": bytes read} under the key ["connector", {"filename": ...}]; -1 if none.
   */
  @SuppressWarnings("unchecked")
  static long committedPosition(String connector) throws Exception {
    long position = -1;
    for (ConsumerRecord<String, String> r : readAll(topic("connect-offsets"))) {
      if (r.key() == null || r.value() == null) continue;
      List<Object> key = JSON.readValue(r.key(), List.class);
      if (!connector.equals(key.get(0))) continue;
      Object p = JSON.readValue(r.value(), Map.class).get("position");
      if (p instanceof Number) position = ((Number) p).longValue();
    }
    return position;
  }

  /** name → errors of the configs that have errors in a ConfigInfos response. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> validationErrors(Map<String, Object> infos) {
    Map<String, Object> out = new TreeMap<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) infos.getOrDefault("configs", List.of())) {
      Map<String, Object> value = (Map<String, Object>) c.get("value");
      List<Object> errors = value == null ? List.of() : (List<Object>) value.getOrDefault("errors", List.of());
      if (!errors.isEmpty()) out.put(String.valueOf(value.get("name")), errors);
    }
    return out;
  }

  /** A short description of how `got` differs from `want`: sizes, the first difference, duplicates. */
  static Map<String, Object> diff(List<String> want, List<String> got) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("want", want.size());
    d.put("got", got.size());
    int i = 0;
    while (i < want.size() && i < got.size() && want.get(i).equals(got.get(i))) i++;
    d.put("firstDifferenceAt", i);
    if (i < got.size()) d.put("gotThere", got.get(i));
    Set<String> seen = new HashSet<>();
    int dups = 0;
    for (String s : got) if (!seen.add(s)) dups++;
    d.put("duplicates", dups);
    return d;
  }
}
