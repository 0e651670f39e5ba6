// Compat driver for the Apache Kafka Java client library (kafka-clients 4.4.0, and 4.1.2): KafkaProducer,
// KafkaConsumer (group.protocol=classic, and assign() without a group) and Admin, in one JVM.
//   java -cp <classes>:<kafka-libs>/* JavaClientDriver <bootstrap> <prefix>
// Prints one JSON line per scenario on stdout (see compat/README.md); logs go to stderr.
// COMPAT_SCENARIO (comma-separated, trailing * = prefix) selects scenarios.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.function.*;
import java.util.stream.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.*;

public class JavaClientDriver {
  static String bootstrap, prefix;
  static final ObjectMapper JSON = new ObjectMapper();
  static Admin admin;
  // Explicit record timestamps (one second apart), so offsetsForTimes is deterministic. They start
  // ten minutes ago, on a whole second: a fixed date in the past (it was 2023-11-14) lies beyond
  // the default retention.ms of 7 days, and Kafka deletes such records, active segment included,
  // at its first retention check (30 s after start, then every 5 min), which made
  // offsets-for-times depend on when the driver ran.
  static final long BASE_TS = (System.currentTimeMillis() / 1000 - 600) * 1000;

  // ------------------------------------------------------------------------------------------
  // harness

  static class Fail extends RuntimeException {
    final Object expected, got;
    Fail(String m, Object expected, Object got) { super(m); this.expected = expected; this.got = got; }
  }
  static class Skip extends RuntimeException { Skip(String m) { super(m); } }
  interface Scenario { String run(Map<String, Object> observed) throws Exception; }

  static void check(boolean cond, String msg, Object expected, Object got) { if (!cond) throw new Fail(msg, expected, got); }
  static void checkEq(String what, Object expected, Object got) {
    if (!Objects.equals(expected, got)) throw new Fail(what + ": expected " + expected + ", got " + got, expected, got);
  }
  static void log(String m) { System.err.println("[java-client] " + m); }
  static String name(String scenario) { return prefix + "-" + scenario; }

  static boolean selected(String n) {
    String w = System.getenv("COMPAT_SCENARIO");
    if (w == null || w.isBlank()) return true;
    for (String p : w.split(",")) {
      p = p.trim();
      if (p.isEmpty()) continue;
      if (p.endsWith("*") ? n.startsWith(p.substring(0, p.length() - 1)) : n.equals(p)) return true;
    }
    return false;
  }

  static void scenario(String n, Scenario fn) {
    if (!selected(n)) return;
    long t0 = System.nanoTime();
    Map<String, Object> observed = new LinkedHashMap<>();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", n);
    log("--- " + n);
    try {
      String msg = fn.run(observed);
      out.put("status", "pass");
      out.put("message", msg == null ? "ok" : msg);
    } catch (Skip e) {
      out.put("status", "skip");
      out.put("message", e.getMessage());
    } catch (Fail e) {
      out.put("status", "fail");
      out.put("message", e.getMessage());
      out.put("expected", e.expected);
      out.put("got", e.got);
    } catch (Throwable e) {
      Throwable c = (e instanceof ExecutionException && e.getCause() != null) ? e.getCause() : e;
      out.put("status", "fail");
      out.put("message", "client error: " + c.getClass().getSimpleName() + ": " + c.getMessage());
      out.put("got", c.getClass().getSimpleName());
      e.printStackTrace();
    }
    if (!observed.isEmpty()) out.put("observed", observed);
    out.put("ms", (System.nanoTime() - t0) / 1_000_000);
    try {
      System.out.println(JSON.writeValueAsString(out));
      System.out.flush();
    } catch (Exception e) { throw new RuntimeException(e); }
    log("--- " + n + ": " + out.get("status") + " " + out.get("message"));
  }

  // ------------------------------------------------------------------------------------------
  // clients

  static Properties common() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return p;
  }

  static KafkaProducer<String, String> producer(String... kv) {
    Properties p = common();
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("linger.ms", "5");
    for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<String, String> consumer(String group, String... kv) {
    Properties p = common();
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "false");
    if (group != null) {
      p.put("group.id", group);
      p.put("group.protocol", "classic");
    }
    for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
    return new KafkaConsumer<>(p);
  }

  record Rec(String key, String value, long ts, List<String[]> headers) {}
  record Got(int partition, long offset, String key, String value, long ts, TimestampType tsType, List<String[]> headers) {}

  static List<Rec> makeRecords(String tag, int n, int from) {
    List<Rec> l = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      int i = from + j;
      l.add(new Rec("key-" + (i % 10), tag + " value " + i + " " + "lorem ipsum ".repeat(8) + "é✓", BASE_TS + i * 1000L,
          List.of(new String[] {"trace", "t-" + tag + "-" + i}, new String[] {"source", "compat"})));
    }
    return l;
  }

  static List<RecordMetadata> produce(KafkaProducer<String, String> p, String topic, List<Rec> recs) throws Exception {
    List<Future<RecordMetadata>> fs = new ArrayList<>();
    for (Rec r : recs) {
      List<Header> hs = new ArrayList<>();
      for (String[] h : r.headers) hs.add(new RecordHeader(h[0], h[1].getBytes(StandardCharsets.UTF_8)));
      fs.add(p.send(new ProducerRecord<>(topic, null, r.ts, r.key, r.value, hs)));
    }
    p.flush();
    List<RecordMetadata> md = new ArrayList<>();
    for (Future<RecordMetadata> f : fs) md.add(f.get(30, TimeUnit.SECONDS));
    return md;
  }

  static Got toGot(ConsumerRecord<String, String> r) {
    List<String[]> hs = new ArrayList<>();
    for (Header h : r.headers()) hs.add(new String[] {h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)});
    return new Got(r.partition(), r.offset(), r.key(), r.value(), r.timestamp(), r.timestampType(), hs);
  }

  /** Poll until n records arrived (then a little longer to catch extras) or the timeout. */
  static List<Got> pollN(KafkaConsumer<String, String> c, int n, long timeoutMs, Predicate<Got> keep) {
    List<Got> got = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMs;
    long extraUntil = Long.MAX_VALUE;
    while (System.currentTimeMillis() < Math.min(deadline, extraUntil)) {
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
        Got g = toGot(r);
        if (keep != null && !keep.test(g)) continue;
        got.add(g);
      }
      if (got.size() >= n && extraUntil == Long.MAX_VALUE) extraUntil = System.currentTimeMillis() + 500;
    }
    return got;
  }

  /** Assign every partition of the topic (no group) from the beginning and read n records. */
  static List<Got> readAll(String topic, int n) {
    try (KafkaConsumer<String, String> c = consumer(null)) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(pi -> new TopicPartition(topic, pi.partition())).collect(Collectors.toList());
      c.assign(tps);
      c.seekToBeginning(tps);
      return pollN(c, n, 20_000, null);
    }
  }

  /**
   * Assign every partition (no group) with the given isolation.level, seek to the beginning and poll
   * until the position of every partition reaches the consumer's own end offsets (the last stable
   * offset for read_committed, the high watermark for read_uncommitted): so "nothing more" is
   * proven by the positions, not by a quiet period.
   */
  static List<Got> readToEnd(String topic, String isolation) {
    try (KafkaConsumer<String, String> c = consumer(null, "isolation.level", isolation)) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(pi -> new TopicPartition(topic, pi.partition())).collect(Collectors.toList());
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      List<Got> got = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) got.add(toGot(r));
        if (tps.stream().allMatch(tp -> c.position(tp) >= ends.get(tp))) return got;
      }
      Map<String, Long> pos = new TreeMap<>();
      for (TopicPartition tp : tps) pos.put(String.valueOf(tp.partition()), c.position(tp));
      throw new Fail(isolation + " consumer of " + topic + " did not reach the end offsets in 20 s", new TreeMap<>(ends.entrySet().stream().collect(Collectors.toMap(e -> String.valueOf(e.getKey().partition()), Map.Entry::getValue))), pos);
    }
  }

  /** The exception a user sees, without ExecutionException and plain KafkaException wrappers. */
  static String errName(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && (c instanceof ExecutionException || c.getClass() == KafkaException.class)) c = c.getCause();
    return c.getClass().getSimpleName();
  }

  static List<Rec> concat(List<Rec>... ls) {
    List<Rec> out = new ArrayList<>();
    for (List<Rec> l : ls) out.addAll(l);
    return out;
  }

  /** Every record exactly once, with key, headers, timestamp; production order per partition. */
  static Map<String, Object> verify(List<Rec> produced, List<Got> consumed, String what) {
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < produced.size(); i++) idx.put(produced.get(i).value, i);
    Map<String, Got> seen = new HashMap<>();
    for (Got g : consumed) {
      Integer i = idx.get(g.value);
      if (i == null) throw new Fail(what + ": a record that was not produced (partition " + g.partition + " offset " + g.offset + ")", "only produced values", g.value);
      if (seen.containsKey(g.value)) throw new Fail(what + ": record " + i + " delivered twice", "once", "twice");
      seen.put(g.value, g);
      Rec r = produced.get(i);
      checkEq(what + ": key of record " + i, r.key, g.key);
      checkEq(what + ": headers of record " + i, r.headers.stream().map(Arrays::toString).collect(Collectors.toList()), g.headers.stream().map(Arrays::toString).collect(Collectors.toList()));
      checkEq(what + ": timestamp of record " + i, r.ts, g.ts);
      checkEq(what + ": timestamp type of record " + i, "CreateTime", g.tsType.toString());
    }
    if (seen.size() != produced.size()) throw new Fail(what + ": " + (produced.size() - seen.size()) + " of " + produced.size() + " records missing", produced.size(), seen.size());
    Map<String, Object> layout = new TreeMap<>();
    Map<Integer, List<Got>> parts = consumed.stream().collect(Collectors.groupingBy(Got::partition, TreeMap::new, Collectors.toList()));
    for (var e : parts.entrySet()) {
      List<Got> l = e.getValue();
      for (int k = 1; k < l.size(); k++) {
        if (l.get(k).offset <= l.get(k - 1).offset) throw new Fail(what + ": partition " + e.getKey() + " offsets not increasing", "increasing", l.get(k).offset);
        if (idx.get(l.get(k).value) < idx.get(l.get(k - 1).value)) throw new Fail(what + ": partition " + e.getKey() + " out of production order", "production order", l.get(k).offset);
      }
      layout.put(String.valueOf(e.getKey()), Map.of("count", l.size(), "first", l.get(0).offset, "last", l.get(l.size() - 1).offset));
    }
    return layout;
  }

  static void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
    NewTopic t = new NewTopic(topic, partitions, (short) 1);
    if (configs != null) t.configs(configs);
    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
    awaitTopic(topic, partitions);
  }

  /** Kafka's CreateTopics returns once the controller has committed the topic; a broker's metadata
   *  cache learns it a moment later, so a describe right after a create can still answer
   *  UNKNOWN_TOPIC_OR_PARTITION there (Kafka's own tests wait the same way). Rivulet answers at once. */
  static void awaitTopic(String topic, int partitions) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
      }
      if (System.currentTimeMillis() > deadline) throw new Fail("topic " + topic + " visible in metadata", partitions + " partitions with leaders", "not within 30 s");
      Thread.sleep(50);
    }
  }

  static Map<String, Long> endOffsets(String topic, OffsetSpec spec) throws Exception {
    int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < n; i++) req.put(new TopicPartition(topic, i), spec);
    Map<String, Long> m = new TreeMap<>();
    admin.listOffsets(req).all().get().forEach((tp, info) -> m.put(String.valueOf(tp.partition()), info.offset()));
    return m;
  }

  static Map<String, Long> endOffsets(String topic, OffsetSpec spec, IsolationLevel isolation) throws Exception {
    int n = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < n; i++) req.put(new TopicPartition(topic, i), spec);
    Map<String, Long> m = new TreeMap<>();
    admin.listOffsets(req, new ListOffsetsOptions(isolation)).all().get().forEach((tp, info) -> m.put(String.valueOf(tp.partition()), info.offset()));
    return m;
  }

  /** The high watermarks once they equal the last stable offsets: Kafka writes the markers of an
   *  ended transaction after EndTxn has answered, so right after a commit the LSO may still lag. */
  static Map<String, Long> stableEnds(String topic) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      Map<String, Long> hw = endOffsets(topic, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
      Map<String, Long> lso = endOffsets(topic, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      if (hw.equals(lso)) return hw;
      if (System.currentTimeMillis() > deadline) throw new Fail("the last stable offsets did not reach the high watermarks after the transactions ended", hw, lso);
      Thread.sleep(50);
    }
  }

  static Map<String, Long> committed(String group) throws Exception {
    Map<String, Long> m = new TreeMap<>();
    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, om) -> { if (om != null) m.put(String.valueOf(tp.partition()), om.offset()); });
    return m;
  }

  /** committed() polled until it equals `want` or 10 s pass: a transaction's offsets become visible
   *  to OffsetFetch once the coordinator has written the commit marker to __consumer_offsets, which
   *  Kafka does after EndTxn has answered (the admin client does not ask for require_stable). */
  static Map<String, Long> committedEventually(Map<String, Long> want, String group) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    Map<String, Long> got = committed(group);
    while (!got.equals(want) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      got = committed(group);
    }
    return got;
  }

  /** configs() polled until it equals `want` (Kafka applies config changes through the controller:
   *  a describe right after an alter may still see the old values for a moment) or 10 s pass. */
  static Map<String, String> configsEventually(Map<String, String> want, String topic, String... names) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    Map<String, String> got = configs(topic, names);
    while (!got.equals(want) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      got = configs(topic, names);
    }
    return got;
  }

  static Map<String, String> configs(String topic, String... names) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
    Map<String, String> m = new TreeMap<>();
    for (String n : names) { ConfigEntry e = c.get(n); m.put(n, e == null ? null : e.value() + " (" + e.source() + ")"); }
    return m;
  }

  // ------------------------------------------------------------------------------------------
  // fixture

  static String fixtureTopic;
  static List<Rec> fixtureRecs;
  static Map<String, Long> fixtureEnds;

  static void fixture() throws Exception {
    if (fixtureTopic != null) return;
    String topic = name("consume-from-beginning");
    List<Rec> recs = makeRecords("fixture", 30, 0);
    createTopic(topic, 3, null);
    try (KafkaProducer<String, String> p = producer()) { produce(p, topic, recs); }
    fixtureEnds = endOffsets(topic, OffsetSpec.latest());
    fixtureTopic = topic;
    fixtureRecs = recs;
  }

  static Scenario produceScenario(String codec) {
    return (obs) -> {
      String topic = name("produce-" + codec);
      List<Rec> recs = makeRecords(codec, 30, 0);
      createTopic(topic, 3, null);
      List<RecordMetadata> md;
      try (KafkaProducer<String, String> p = producer("compression.type", codec)) { md = produce(p, topic, recs); }
      Map<String, Object> layout = verify(recs, readAll(topic, recs.size()), "records read back (assign, no group)");
      obs.put("layout", layout);
      obs.put("lastOffsets", md.stream().collect(Collectors.toMap(m -> String.valueOf(m.partition()), RecordMetadata::offset, Math::max, TreeMap::new)));
      return "30 keyed records with headers and explicit timestamps (" + codec + "), read back exactly";
    };
  }


  // ------------------------------------------------------------------------------------------
  // KIP-848 (group.protocol=consumer): every consumer is polled from this one thread.

  static KafkaConsumer<String, String> kip848Consumer(String group, String assignor, String instanceId) {
    List<String> kv = new ArrayList<>(List.of("group.protocol", "consumer", "group.remote.assignor", assignor));
    if (instanceId != null) kv.addAll(List.of("group.instance.id", instanceId));
    return consumer(group, kv.toArray(new String[0]));
  }

  static String tps(Collection<TopicPartition> ps) {
    return ps.stream().map(tp -> String.valueOf(tp.partition())).sorted().collect(Collectors.joining(","));
  }

  static void pollUntil(List<KafkaConsumer<String, String>> cs, BooleanSupplier done, String what) {
    long end = System.currentTimeMillis() + 90_000;
    while (!done.getAsBoolean()) {
      check(System.currentTimeMillis() < end, what + " within 90 s", what, cs.stream().map(c -> tps(c.assignment())).collect(Collectors.toList()).toString());
      for (KafkaConsumer<String, String> c : cs) c.poll(Duration.ofMillis(100));
    }
  }

  static long position(KafkaConsumer<String, String> c) {
    return c.assignment().stream().mapToLong(c::position).sum();
  }

  // Two members share 6 partitions with the server-side assignor, read 60 records, commit; the
  // Admin client describes the group.
  static Scenario kip848Scenario(String assignor) {
    return (obs) -> {
      String topic = name("kip848-" + assignor);
      String group = name("kip848-" + assignor);
      createTopic(topic, 6, null);
      try (KafkaProducer<String, String> p = producer()) { produce(p, topic, makeRecords("kip848", 60, 0)); }
      try (KafkaConsumer<String, String> a = kip848Consumer(group, assignor, null); KafkaConsumer<String, String> b = kip848Consumer(group, assignor, null)) {
        a.subscribe(List.of(topic));
        pollUntil(List.of(a), () -> a.assignment().size() == 6, "one member holds all 6 partitions");
        b.subscribe(List.of(topic));
        pollUntil(List.of(a, b), () -> a.assignment().size() == 3 && b.assignment().size() == 3, "two members hold 3 partitions each");
        pollUntil(List.of(a, b), () -> position(a) + position(b) == 60, "the members read to the end");
        Set<TopicPartition> union = new HashSet<>(a.assignment());
        union.addAll(b.assignment());
        checkEq("partitions held", 6, union.size());
        if (assignor.equals("range")) obs.put("ranges", Stream.of(tps(a.assignment()), tps(b.assignment())).sorted().collect(Collectors.toList()));
        a.commitSync();
        b.commitSync();
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        obs.put("describe", d.type() + " " + d.groupState() + " " + d.members().size() + " " + d.partitionAssignor());
        checkEq("describeConsumerGroups", "Consumer Stable 2 " + assignor, obs.get("describe"));
      }
      checkEq("committed offsets", 60L, committed(group).values().stream().mapToLong(Long::longValue).sum());
      return "2 consumer-protocol members shared 6 partitions (" + assignor + "), read 60 records, committed them";
    };
  }


  // ------------------------------------------------------------------------------------------
  // KIP-848 online migration: members of one group, each on its own thread, swapped one by one
  // between group.protocol=classic and =consumer while records keep arriving. Each member commits
  // what it read after every poll, so a partition that moves is resumed where it was left.

  static final java.util.concurrent.atomic.AtomicInteger failedCommits = new java.util.concurrent.atomic.AtomicInteger();

  static final class LiveMember {
    final Thread thread;
    volatile boolean stop;
    volatile Throwable error;
    LiveMember(String group, String topic, String protocol, List<String> seen) {
      thread = new Thread(() -> {
        String[] kv = protocol.equals("consumer") ? new String[] {"group.protocol", "consumer", "enable.auto.commit", "false"}
            : new String[] {"group.protocol", "classic", "enable.auto.commit", "false", "heartbeat.interval.ms", "500"};
        try (KafkaConsumer<String, String> c = consumer(group, kv)) {
          c.subscribe(List.of(topic));
          while (!stop) {
            ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(100));
            for (ConsumerRecord<String, String> r : rs) seen.add(r.partition() + ":" + r.offset());
            if (rs.isEmpty()) continue;
            try {
              c.commitSync();
            } catch (CommitFailedException | org.apache.kafka.common.errors.RebalanceInProgressException e) {
              // The group moved on between the poll and the commit (a new generation or member
              // epoch): the records stay uncommitted and their next owner reads them again.
              failedCommits.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          error = e;
        }
      }, "live-" + protocol);
      thread.start();
    }
    void close() throws Exception {
      stop = true;
      thread.join(60_000);
      if (error != null) throw new Fail("a " + thread.getName() + " member failed: " + error, "no error", String.valueOf(error));
    }
  }

  /** The group as describeConsumerGroups shows it once `members` members hold `partitions`
   *  partitions in a Stable group: its type and, sorted, whether each member uses the consumer
   *  protocol (MemberDescription.upgraded). */
  static String settledGroup(String group, int members, int partitions) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      ConsumerGroupDescription d;
      try {
        d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) throw e;
        Thread.sleep(200);
        continue; // not created yet
      }
      int held = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
      List<String> kinds = d.members().stream().map(m -> m.upgraded().map(u -> u ? "consumer" : "classic").orElse("?")).sorted().collect(Collectors.toList());
      last = d.type() + " " + d.groupState() + " " + kinds + " holding " + held;
      if (d.groupState() == GroupState.STABLE && d.members().size() == members && held == partitions) return d.type() + " " + kinds;
      Thread.sleep(200);
    }
    throw new Fail("group " + group + " settled within 90 s", members + " members holding " + partitions + " partitions", last);
  }

  static void awaitSeen(List<String> seen, int produced) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (new HashSet<>(seen).size() < produced && System.currentTimeMillis() < deadline) Thread.sleep(100);
  }

  // Three members start with `from`'s protocol and are replaced one at a time by members of `to`'s
  // (each leaves, the other two settle, the newcomer joins), 60 records produced before and 60 after
  // each swap. No record may be lost; one may be read twice
  // only if a member read it and did not commit it before its partition moved (at-least-once).
  static Scenario migrationScenario(String name, String from, String to) {
    return (obs) -> {
      String topic = name(name);
      String group = name(name);
      createTopic(topic, 6, null);
      List<String> seen = Collections.synchronizedList(new ArrayList<>());
      List<LiveMember> members = new ArrayList<>();
      List<String> steps = new ArrayList<>();
      int produced = 0;
      try (KafkaProducer<String, String> p = producer()) {
        for (int i = 0; i < 3; i++) members.add(new LiveMember(group, topic, from, seen));
        steps.add(settledGroup(group, 3, 6));
        for (int i = 0; i < 3; i++) {
          produce(p, topic, makeRecords(name + "-" + i + "a", 60, produced));
          produced += 60;
          members.get(i).close();
          // The group settles before the newcomer arrives: a classic group still completing its
          // rebalance has no assignments to carry over, and Kafka refuses to upgrade it then
          // (GROUP_ID_NOT_FOUND, which the consumer treats as fatal).
          settledGroup(group, 2, 6);
          members.set(i, new LiveMember(group, topic, to, seen));
          produce(p, topic, makeRecords(name + "-" + i + "b", 60, produced));
          produced += 60;
          steps.add(settledGroup(group, 3, 6));
          awaitSeen(seen, produced);
        }
      } finally {
        for (LiveMember m : members) if (!m.stop) m.close();
      }
      Set<String> unique = new HashSet<>(seen);
      checkEq("records read (none lost)", produced, unique.size());
      checkEq("committed offsets after every member closed", endOffsets(topic, OffsetSpec.latest()), committed(group));
      obs.put("steps", steps);
      obs.put("recordsRead", unique.size());
      return "3 " + from + " members replaced one by one by " + to + " members: " + steps + "; " + produced + " records, none lost, "
          + (seen.size() - unique.size()) + " read twice (at-least-once), " + failedCommits.getAndSet(0) + " commits refused by a rebalance";
    };
  }

  // ------------------------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    bootstrap = args[0];
    prefix = args[1];
    Properties ap = common();
    ap.put("request.timeout.ms", "20000");
    ap.put("default.api.timeout.ms", "40000");
    admin = Admin.create(ap);

    scenario("create-topic", (obs) -> {
      String topic = name("create-topic");
      createTopic(topic, 3, null);
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      checkEq("partitions", 3, d.partitions().size());
      check(!d.topicId().equals(Uuid.ZERO_UUID), "topic id is zero", "a topic id", d.topicId().toString());
      check(admin.listTopics().names().get().contains(topic), "listTopics does not include the topic", topic, "absent");
      obs.put("partitions", d.partitions().size());
      return "Admin.createTopics → describeTopics (3 partitions, a topic id), listTopics";
    });

    for (String codec : List.of("none", "gzip", "snappy", "lz4", "zstd")) scenario("produce-" + codec, produceScenario(codec));

    scenario("produce-idempotent", (obs) -> {
      String topic = name("produce-idempotent");
      List<Rec> recs = makeRecords("idem", 30, 0);
      createTopic(topic, 3, null);
      List<RecordMetadata> md;
      try (KafkaProducer<String, String> p = producer("enable.idempotence", "true", "acks", "all", "max.in.flight.requests.per.connection", "5")) { md = produce(p, topic, recs); }
      Map<Integer, List<Long>> offs = md.stream().collect(Collectors.groupingBy(RecordMetadata::partition, TreeMap::new, Collectors.mapping(RecordMetadata::offset, Collectors.toList())));
      for (var e : offs.entrySet()) {
        List<Long> want = LongStream.range(0, e.getValue().size()).boxed().collect(Collectors.toList());
        checkEq("offsets acknowledged on partition " + e.getKey(), want, e.getValue().stream().sorted().collect(Collectors.toList()));
      }
      Map<String, Long> ends = endOffsets(topic, OffsetSpec.latest());
      checkEq("sum of end offsets", 30L, ends.values().stream().mapToLong(Long::longValue).sum());
      obs.put("ends", ends);
      obs.put("layout", verify(recs, readAll(topic, 30), "read back"));
      return "idempotent producer: acknowledged offsets contiguous from 0, nothing duplicated";
    });

    // Transactions. Kafka 4.1 and Rivulet both finalize transaction.version=2, so the client runs
    // KIP-890 transactions v2 (no AddPartitionsToTxn/AddOffsetsToTxn, EndTxn v5 bumping the
    // epoch); against a broker without it, transactions v1 (see test/golden/*/java-*-tv1-*).
    scenario("produce-transactional", (obs) -> {
      String topic = name("produce-transactional");
      createTopic(topic, 3, null);
      List<Rec> c1 = makeRecords("commit-1", 12, 0), ab = makeRecords("aborted", 9, 12), c2 = makeRecords("commit-2", 9, 21);
      Map<String, Long> afterFirst, lsoOpen, hwOpen;
      try (KafkaProducer<String, String> p = producer("transactional.id", name("produce-transactional"))) {
        p.initTransactions();
        p.beginTransaction();
        produce(p, topic, c1);
        p.commitTransaction();
        afterFirst = stableEnds(topic);
        p.beginTransaction();
        produce(p, topic, ab); // acknowledged: in the log, in an open transaction
        lsoOpen = endOffsets(topic, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
        hwOpen = endOffsets(topic, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        checkEq("last stable offsets while a transaction is open (= the ends after the first commit)", afterFirst, lsoOpen);
        checkEq("high watermarks while the transaction is open (records of the open transaction added)", afterFirst.values().stream().mapToLong(Long::longValue).sum() + ab.size(), hwOpen.values().stream().mapToLong(Long::longValue).sum());
        p.abortTransaction();
        p.beginTransaction();
        produce(p, topic, c2);
        p.commitTransaction();
      }
      Map<String, Long> hw = stableEnds(topic);
      List<Got> committedRead = readToEnd(topic, "read_committed");
      Map<String, Object> layout = verify(concat(c1, c2), committedRead, "read_committed consumer (committed records only)");
      verify(concat(c1, ab, c2), readToEnd(topic, "read_uncommitted"), "read_uncommitted consumer (the aborted records too)");
      obs.put("layout", layout);
      obs.put("lsoWhileOpen", lsoOpen);
      obs.put("endOffsets", hw);
      return "commit 12, abort 9, commit 9: read_committed reads the 21 committed, read_uncommitted all 30; the LSO held at the open transaction";
    });

    scenario("consume-transform-produce", (obs) -> {
      String in = name("consume-transform-produce"), out = name("consume-transform-produce-out"), group = name("consume-transform-produce");
      createTopic(in, 3, null);
      createTopic(out, 3, null);
      List<Rec> input = makeRecords("ctp", 30, 0);
      try (KafkaProducer<String, String> p = producer()) { produce(p, in, input); }
      Map<String, Long> inEnds = endOffsets(in, OffsetSpec.latest());
      List<Rec> output = input.stream().map(r -> new Rec(r.key, "transformed " + r.value, r.ts, r.headers)).collect(Collectors.toList());
      Map<String, Object> runs = new LinkedHashMap<>();
      try (KafkaProducer<String, String> tp = producer("transactional.id", name("consume-transform-produce"))) {
        tp.initTransactions();
        for (boolean commit : new boolean[] {false, true}) {
          try (KafkaConsumer<String, String> c = consumer(group, "isolation.level", "read_committed")) {
            c.subscribe(List.of(in));
            List<Got> got = pollN(c, input.size(), 30_000, null);
            verify(input, got, (commit ? "second" : "first") + " run: records consumed from the input");
            tp.beginTransaction();
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (Got g : got) {
              List<Header> hs = new ArrayList<>();
              for (String[] h : g.headers) hs.add(new RecordHeader(h[0], h[1].getBytes(StandardCharsets.UTF_8)));
              fs.add(tp.send(new ProducerRecord<>(out, null, g.ts, g.key, "transformed " + g.value, hs)));
              offsets.merge(new TopicPartition(in, g.partition), new OffsetAndMetadata(g.offset + 1), (a, b) -> a.offset() > b.offset() ? a : b);
            }
            for (Future<RecordMetadata> f : fs) f.get(30, TimeUnit.SECONDS);
            tp.sendOffsetsToTransaction(offsets, c.groupMetadata());
            if (commit) tp.commitTransaction();
            else tp.abortTransaction();
          }
          if (!commit) {
            checkEq("the group's committed offsets after the aborted run", Map.of(), committed(group));
            checkEq("read_committed records in the output after the aborted run", List.of(), readToEnd(out, "read_committed"));
            runs.put("abortedOutputUncommitted", readToEnd(out, "read_uncommitted").size());
          }
        }
      }
      checkEq("the group's committed offsets after the committed run (= what was consumed)", inEnds, committedEventually(inEnds, group));
      Map<String, Object> layout = verify(output, readToEnd(out, "read_committed"), "read_committed output after the committed run");
      obs.put("committed", committed(group));
      obs.put("outputLayout", layout);
      obs.putAll(runs);
      return "consume 30 → produce 30 + sendOffsetsToTransaction: abort left no offsets and no visible output; commit left both";
    });

    scenario("transaction-fencing", (obs) -> {
      String topic = name("transaction-fencing");
      String txId = name("transaction-fencing");
      createTopic(topic, 3, null);
      List<Rec> first = makeRecords("fenced", 6, 0), second = makeRecords("fencer", 6, 6);
      String err = null;
      KafkaProducer<String, String> p1 = producer("transactional.id", txId);
      try {
        p1.initTransactions();
        p1.beginTransaction();
        produce(p1, topic, first);
        try (KafkaProducer<String, String> p2 = producer("transactional.id", txId)) {
          p2.initTransactions(); // same transactional.id: fences p1 and aborts its open transaction
          try {
            p1.commitTransaction();
          } catch (Exception e) {
            err = errName(e);
          }
          check(err != null, "the first producer committed after a second one initialized the same transactional.id", "ProducerFencedException", "committed");
          p2.beginTransaction();
          produce(p2, topic, second);
          p2.commitTransaction();
        }
      } finally {
        p1.close(Duration.ZERO);
      }
      checkEq("the fenced producer's error", "ProducerFencedException", err);
      verify(second, readToEnd(topic, "read_committed"), "read_committed consumer (only the new producer's transaction)");
      verify(concat(first, second), readToEnd(topic, "read_uncommitted"), "read_uncommitted consumer (the fenced transaction's records too)");
      obs.put("fencedError", err);
      return "a second producer with the same transactional.id fenced the first (ProducerFencedException on commit) and aborted its transaction";
    });

    scenario("consume-from-beginning", (obs) -> {
      fixture();
      obs.put("layout", verify(fixtureRecs, readAll(fixtureTopic, 30), "assign + seekToBeginning (no group)"));
      return "KafkaConsumer.assign (no group) + seekToBeginning read all 30 records";
    });

    scenario("consume-group", (obs) -> {
      String topic = name("consume-group");
      String group = name("consume-group");
      List<Rec> recs = makeRecords("group", 30, 0);
      createTopic(topic, 3, null);
      List<List<Got>> got = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
      List<Set<Integer>> assigned = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
      CountDownLatch stop = new CountDownLatch(1);
      ExecutorService ex = Executors.newFixedThreadPool(2);
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        final int m = i;
        fs.add(ex.submit(() -> {
          try (KafkaConsumer<String, String> c = consumer(group, "enable.auto.commit", "true", "auto.commit.interval.ms", "200")) {
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
              public void onPartitionsRevoked(Collection<TopicPartition> ps) { ps.forEach(tp -> assigned.get(m).remove(tp.partition())); }
              public void onPartitionsAssigned(Collection<TopicPartition> ps) { ps.forEach(tp -> assigned.get(m).add(tp.partition())); }
            });
            while (stop.getCount() > 0) for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) got.get(m).add(toGot(r));
          }
          return null;
        }));
      }
      try {
        long d1 = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < d1 && !(assigned.get(0).size() + assigned.get(1).size() == 3 && !assigned.get(0).isEmpty() && !assigned.get(1).isEmpty())) Thread.sleep(100);
        check(!assigned.get(0).isEmpty() && !assigned.get(1).isEmpty(), "the two members did not both get partitions", "2 members sharing 3 partitions", assigned.toString());
        try (KafkaProducer<String, String> p = producer()) { produce(p, topic, recs); }
        long d2 = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < d2 && got.get(0).size() + got.get(1).size() < 30) Thread.sleep(100);
        Thread.sleep(800);
      } finally {
        stop.countDown();
        for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
        ex.shutdown();
      }
      List<Got> all = new ArrayList<>(got.get(0));
      all.addAll(got.get(1));
      obs.put("layout", verify(recs, all, "records consumed by the group"));
      obs.put("partitionsPerMember", Stream.of(assigned.get(0).size(), assigned.get(1).size()).sorted().collect(Collectors.toList()));
      Map<String, Long> ends = endOffsets(topic, OffsetSpec.latest());
      checkEq("committed offsets after both members closed", ends, committed(group));
      return "2 classic-protocol members shared 3 partitions; each of 30 records read once; committed to the end";
    });

    scenario("commit-resume", (obs) -> {
      fixture();
      String group = name("commit-resume");
      List<Got> first;
      try (KafkaConsumer<String, String> c = consumer(group, "max.poll.records", "1")) {
        c.subscribe(List.of(fixtureTopic));
        first = pollN(c, 12, 30_000, null);
        first = new ArrayList<>(first.subList(0, Math.min(12, first.size())));
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (Got g : first) commit.merge(new TopicPartition(fixtureTopic, g.partition), new OffsetAndMetadata(g.offset + 1), (a, b) -> a.offset() > b.offset() ? a : b);
        c.commitSync(commit);
      }
      checkEq("records processed by the first consumer", 12, first.size());
      Map<String, Long> com = committed(group);
      List<Got> second;
      try (KafkaConsumer<String, String> c = consumer(group)) {
        c.subscribe(List.of(fixtureTopic));
        second = pollN(c, 18, 30_000, null);
      }
      List<Got> all = new ArrayList<>(first);
      all.addAll(second);
      verify(fixtureRecs, all, "first (committed) + second consumer");
      for (var e : com.entrySet()) {
        Optional<Long> firstSeen = second.stream().filter(g -> g.partition == Integer.parseInt(e.getKey())).map(Got::offset).min(Long::compare);
        if (firstSeen.isPresent()) checkEq("second consumer's first offset on partition " + e.getKey(), e.getValue(), firstSeen.get());
      }
      obs.put("committedSum", com.values().stream().mapToLong(Long::longValue).sum());
      obs.put("secondCount", second.size());
      return "commitSync after 12 records, close; a new consumer resumed there and read the other 18";
    });

    scenario("describe-topic", (obs) -> {
      String topic = name("describe-topic");
      createTopic(topic, 3, Map.of("retention.ms", "3600000"));
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      List<Map<String, Object>> parts = new ArrayList<>();
      for (TopicPartitionInfo p : d.partitions()) {
        check(p.leader() != null && p.isr().equals(p.replicas()), "partition " + p.partition() + " leader/isr", "a leader, isr = replicas", p.toString());
        parts.add(Map.of("partition", p.partition(), "leader", p.leader().id(), "replicas", p.replicas().size(), "isr", p.isr().size()));
      }
      DescribeClusterResult cl = admin.describeCluster();
      Collection<Node> nodes = cl.nodes().get();
      Node controller = cl.controller().get();
      check(nodes.stream().anyMatch(n -> n.id() == controller.id()), "the controller is not a listed broker", nodes.toString(), controller.toString());
      obs.put("internal", d.isInternal());
      obs.put("partitions", parts);
      obs.put("brokers", nodes.size());
      return "describeTopics: 3 partitions with leader and full ISR; describeCluster";
    });

    scenario("describe-configs", (obs) -> {
      String topic = name("describe-configs");
      createTopic(topic, 1, Map.of("retention.ms", "7200000"));
      Map<String, String> want = new TreeMap<>(Map.of("retention.ms", "7200000 (DYNAMIC_TOPIC_CONFIG)", "cleanup.policy", "delete (DEFAULT_CONFIG)",
          "compression.type", "producer (DEFAULT_CONFIG)", "segment.bytes", "1073741824 (DEFAULT_CONFIG)", "max.message.bytes", "1048588 (DEFAULT_CONFIG)",
          "message.timestamp.type", "CreateTime (DEFAULT_CONFIG)"));
      Map<String, String> c = configsEventually(want, topic, "retention.ms", "cleanup.policy", "compression.type", "segment.bytes", "max.message.bytes", "message.timestamp.type");
      checkEq("configs", want, c);
      obs.put("configs", c);
      return "describeConfigs: the topic's retention.ms and Kafka's defaults, with their sources";
    });

    scenario("alter-configs", (obs) -> {
      String topic = name("alter-configs");
      createTopic(topic, 1, null);
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(r, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "86400000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND)))).all().get();
      Map<String, String> want1 = new TreeMap<>(Map.of("retention.ms", "86400000 (DYNAMIC_TOPIC_CONFIG)", "cleanup.policy", "delete,compact (DYNAMIC_TOPIC_CONFIG)"));
      Map<String, String> c1 = configsEventually(want1, topic, "retention.ms", "cleanup.policy");
      checkEq("after SET retention.ms + APPEND cleanup.policy=compact", want1, c1);
      admin.incrementalAlterConfigs(Map.of(r, List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE),
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT)))).all().get();
      Map<String, String> want2 = new TreeMap<>(Map.of("retention.ms", "604800000 (DEFAULT_CONFIG)", "cleanup.policy", "compact (DYNAMIC_TOPIC_CONFIG)"));
      Map<String, String> c2 = configsEventually(want2, topic, "retention.ms", "cleanup.policy");
      checkEq("after DELETE retention.ms + SUBTRACT cleanup.policy=delete", want2, c2);
      obs.put("afterSet", c1);
      obs.put("afterDelete", c2);
      return "incrementalAlterConfigs SET/APPEND then DELETE/SUBTRACT";
    });

    scenario("list-groups", (obs) -> {
      fixture();
      String group = name("list-groups");
      try (KafkaConsumer<String, String> c = consumer(group)) {
        c.subscribe(List.of(fixtureTopic));
        pollN(c, 1, 20_000, null);
        c.commitSync();
      }
      Collection<GroupListing> gs = admin.listGroups().all().get();
      Optional<GroupListing> g = gs.stream().filter(x -> x.groupId().equals(group)).findFirst();
      check(g.isPresent(), "listGroups does not include the group", group, gs.size() + " groups");
      Map<String, Object> view = new TreeMap<>();
      view.put("type", g.get().type().map(Object::toString).orElse(null));
      view.put("protocol", g.get().protocol());
      view.put("state", g.get().groupState().map(Object::toString).orElse(null));
      checkEq("the listed group", new TreeMap<>(Map.of("type", "Classic", "protocol", "consumer", "state", "Empty")), view);
      obs.put("group", view);
      return "Admin.listGroups: type Classic, protocol consumer, state Empty";
    });

    scenario("describe-group", (obs) -> {
      fixture();
      String group = name("describe-group");
      ConsumerGroupDescription active;
      try (KafkaConsumer<String, String> c = consumer(group, "client.id", "compat-java")) {
        c.subscribe(List.of(fixtureTopic));
        checkEq("records read", 30, pollN(c, 30, 30_000, null).size());
        c.commitSync();
        active = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      }
      ConsumerGroupDescription after = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      Map<String, Object> a = new TreeMap<>();
      a.put("state", active.groupState().toString());
      a.put("type", active.type().toString());
      a.put("assignor", active.partitionAssignor());
      a.put("members", active.members().stream().map(m -> m.clientId() + ":" + m.assignment().topicPartitions().size()).sorted().collect(Collectors.toList()));
      checkEq("the group while consuming", new TreeMap<>(Map.of("state", "Stable", "type", "Classic", "assignor", "range", "members", List.of("compat-java:3"))), a);
      Map<String, Object> b = new TreeMap<>(Map.of("state", after.groupState().toString(), "members", after.members().size()));
      checkEq("the group after the consumer left", new TreeMap<>(Map.of("state", "Empty", "members", 0)), b);
      checkEq("committed offsets", fixtureEnds, committed(group));
      obs.put("active", a);
      obs.put("after", b);
      return "describeConsumerGroups: Stable/Classic/range, 1 member with 3 partitions; Empty after close";
    });

    scenario("reset-offsets", (obs) -> {
      fixture();
      String group = name("reset-offsets");
      try (KafkaConsumer<String, String> c = consumer(group)) {
        c.subscribe(List.of(fixtureTopic));
        pollN(c, 30, 30_000, null);
        c.commitSync();
      }
      checkEq("committed after the first pass", fixtureEnds, committed(group));
      Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
      for (int p = 0; p < 3; p++) zero.put(new TopicPartition(fixtureTopic, p), new OffsetAndMetadata(0));
      admin.alterConsumerGroupOffsets(group, zero).all().get();
      checkEq("committed after alterConsumerGroupOffsets to 0", new TreeMap<>(Map.of("0", 0L, "1", 0L, "2", 0L)), committed(group));
      List<Got> again;
      try (KafkaConsumer<String, String> c = consumer(group, "auto.offset.reset", "none")) {
        c.subscribe(List.of(fixtureTopic));
        again = pollN(c, 30, 30_000, null);
      }
      verify(fixtureRecs, again, "after the reset");
      return "alterConsumerGroupOffsets to 0: the group (auto.offset.reset=none) read all 30 again";
    });

    scenario("offsets-for-times", (obs) -> {
      fixture();
      Map<TopicPartition, Long> q = new HashMap<>();
      for (int p = 0; p < 3; p++) q.put(new TopicPartition(fixtureTopic, p), BASE_TS + 15_000);
      Map<String, Long> got = new TreeMap<>();
      Map<String, Long> want = new TreeMap<>();
      List<Got> all = readAll(fixtureTopic, 30);
      for (int p = 0; p < 3; p++) {
        final int pp = p;
        want.put(String.valueOf(p), all.stream().filter(g -> g.partition == pp && g.ts >= BASE_TS + 15_000).map(Got::offset).min(Long::compare).orElse(fixtureEnds.get(String.valueOf(p))));
      }
      try (KafkaConsumer<String, String> c = consumer(null)) {
        c.offsetsForTimes(q).forEach((tp, o) -> got.put(String.valueOf(tp.partition()), o == null ? fixtureEnds.get(String.valueOf(tp.partition())) : o.offset()));
      }
      checkEq("offsetsForTimes(record 15's timestamp)", want, got);
      Map<String, Long> maxTs = endOffsets(fixtureTopic, OffsetSpec.maxTimestamp());
      Map<String, Long> wantMax = new TreeMap<>();
      for (int p = 0; p < 3; p++) {
        final int pp = p;
        all.stream().filter(g -> g.partition == pp).max(Comparator.comparingLong(Got::ts)).ifPresent(g -> wantMax.put(String.valueOf(pp), g.offset));
      }
      checkEq("listOffsets(maxTimestamp)", wantMax, maxTs);
      obs.put("forTimes", got);
      obs.put("maxTimestamp", maxTs);
      return "offsetsForTimes and OffsetSpec.maxTimestamp() match the records' explicit timestamps";
    });

    scenario("delete-records", (obs) -> {
      String topic = name("delete-records");
      List<Rec> recs = makeRecords("del", 30, 0);
      createTopic(topic, 3, null);
      try (KafkaProducer<String, String> p = producer()) { produce(p, topic, recs); }
      Map<String, Long> ends = endOffsets(topic, OffsetSpec.latest());
      String p = ends.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
      TopicPartition tp = new TopicPartition(topic, Integer.parseInt(p));
      long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(3))).lowWatermarks().get(tp).get().lowWatermark();
      checkEq("low watermark returned by deleteRecords", 3L, low);
      checkEq("earliest offset after deleteRecords", 3L, endOffsets(topic, OffsetSpec.earliest()).get(p));
      String other = ends.keySet().stream().filter(k -> !k.equals(p)).findFirst().get();
      TopicPartition tp2 = new TopicPartition(topic, Integer.parseInt(other));
      String err = null;
      try {
        admin.deleteRecords(Map.of(tp2, RecordsToDelete.beforeOffset(ends.get(other) + 5))).lowWatermarks().get(tp2).get();
      } catch (ExecutionException e) { err = e.getCause().getClass().getSimpleName(); }
      checkEq("deleting beyond the end", "OffsetOutOfRangeException", err);
      try (KafkaConsumer<String, String> c = consumer(null)) {
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        List<Got> got = pollN(c, (int) (ends.get(p) - 3), 20_000, null);
        checkEq("first offset read after the deletion", 3L, got.isEmpty() ? null : got.get(0).offset);
        checkEq("records read after the deletion", ends.get(p) - 3, (long) got.size());
      }
      obs.put("beyondEnd", err);
      return "deleteRecords before offset 3: low watermark 3; beyond the end: OffsetOutOfRangeException";
    });

    scenario("delete-topic", (obs) -> {
      String topic = name("delete-topic");
      createTopic(topic, 3, null);
      admin.deleteTopics(List.of(topic)).all().get();
      boolean gone = false;
      for (int i = 0; i < 10 && !gone; i++) {
        gone = !admin.listTopics().names().get().contains(topic);
        if (!gone) Thread.sleep(300);
      }
      check(gone, "the topic is still listed after deleteTopics", "absent", "listed");
      String err = null;
      try { admin.describeTopics(List.of(topic)).allTopicNames().get(); } catch (ExecutionException e) { err = e.getCause().getClass().getSimpleName(); }
      checkEq("describeTopics after the deletion", "UnknownTopicOrPartitionException", err);
      obs.put("describeAfter", err);
      return "deleteTopics; gone from listTopics; describeTopics says UnknownTopicOrPartition";
    });


    for (String assignor : List.of("uniform", "range")) scenario("kip848-" + assignor, kip848Scenario(assignor));

    scenario("kip848-regex", (obs) -> {
      String topic = name("kip848-regex-topic");
      createTopic(topic, 2, null);
      try (KafkaConsumer<String, String> c = kip848Consumer(name("kip848-regex"), "uniform", null)) {
        c.subscribe(new SubscriptionPattern(prefix.replace(".", "\\.") + "-kip848-re.*"));
        pollUntil(List.of(c), () -> c.assignment().size() == 2, "the regex member holds the matching topic's 2 partitions");
        obs.put("assigned", c.assignment().stream().map(TopicPartition::topic).distinct().map(t -> t.substring(prefix.length())).collect(Collectors.toList()));
      }
      return "a SubscriptionPattern (server-side regex) member got the matching topic";
    });

    scenario("kip848-static", (obs) -> {
      String topic = name("kip848-static");
      String group = name("kip848-static");
      createTopic(topic, 4, null);
      String before;
      try (KafkaConsumer<String, String> s2 = kip848Consumer(group, "uniform", "instance-2")) {
        try (KafkaConsumer<String, String> s1 = kip848Consumer(group, "uniform", "instance-1")) {
          s1.subscribe(List.of(topic));
          s2.subscribe(List.of(topic));
          pollUntil(List.of(s1, s2), () -> s1.assignment().size() == 2 && s2.assignment().size() == 2, "two static members hold 2 partitions each");
          before = tps(s1.assignment());
        }
        try (KafkaConsumer<String, String> s1 = kip848Consumer(group, "uniform", "instance-1")) {
          s1.subscribe(List.of(topic));
          pollUntil(List.of(s1, s2), () -> s1.assignment().size() == 2, "the restarted static member holds 2 partitions");
          checkEq("the restarted static member's partitions", before, tps(s1.assignment()));
          obs.put("sameAfterRestart", true);
        }
      }
      return "a static member restarted with its group.instance.id and got its partitions back";
    });

    scenario("kip848-upgrade", migrationScenario("kip848-upgrade", "classic", "consumer"));
    scenario("kip848-downgrade", migrationScenario("kip848-downgrade", "consumer", "classic"));

    admin.close(Duration.ofSeconds(5));
    System.out.flush();
    System.exit(0);
  }
}
