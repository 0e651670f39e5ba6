// The failover driver for the Apache Kafka Java client (issue 11), compiled against kafka-clients
// by compat/failover/clients.mjs. It only produces, consumes and reports; compat/failover/check.mjs
// kills the broker and judges. Protocol (one JSON object a line on stdout; diagnostics on stderr):
//
//   failover <bootstrap> <topic> <group> <before> <after>
//     an idempotent acks=all producer sends v-0, v-1, ... (v-i to partition i % partitions), one
//     at a time, while a consumer group (its own thread) consumes the topic. After <before>
//     acknowledged records: {"event":"before"}; the checker kills the leader of partition 0 and
//     writes "killed <epoch ms>" on stdin; the producer goes on until <after> more records are
//     acknowledged, including one on partition 0 after the kill; the group must reach every
//     acknowledged record. Then {"event":"done","acked":[i...],"p0AckTimes":[ms...],"consumed":[i...],"errors":[...]}.
//
//   eos <bootstrap> <in> <out> <group> <transactional.id> <n>
//     consume-transform-produce: a read_committed group member reads in-i from <in> and writes
//     out-i to <out> in transactions with the consumed offsets (sendOffsetsToTransaction). With a
//     third of the input committed it opens a transaction, sends its output and prints
//     {"event":"before","txnCoordinator":id,"groupCoordinator":id}; after "killed <ms>" it commits
//     that transaction across the coordinator move and goes on until the group's offsets cover all
//     <n> inputs. Errors abort (or, if the producer cannot go on, replace it: initTransactions
//     fences the old one) and rewind to the committed offsets. {"event":"done",...}.
//
//   read <bootstrap> <topic>
//     reads the topic read_committed from the beginning to its end offsets (no group);
//     {"event":"read","values":[...]}.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class FailoverDriver {
  static final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  static final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  static void emit(String json) {
    System.out.println(json);
    System.out.flush();
  }

  static void log(String s) {
    System.err.println("[java-failover] " + s);
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  static String arr(Collection<?> xs) {
    return xs.stream().map(x -> x instanceof String ? q((String) x) : String.valueOf(x)).collect(Collectors.joining(",", "[", "]"));
  }

  static void error(String what, Throwable e) {
    String m = what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
    log(m);
    errors.add(m);
  }

  /** Blocks until the checker writes "killed <epoch ms>"; returns that time. */
  static long awaitKill() throws Exception {
    String line = stdin.readLine();
    if (line == null || !line.startsWith("killed ")) throw new IllegalStateException("expected 'killed <ms>' on stdin, got " + line);
    return Long.parseLong(line.substring(7).trim());
  }

  static Properties common(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", "rivulet-failover-java");
    return p;
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "failover": failover(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5])); break;
      case "eos": eos(args[1], args[2], args[3], args[4], args[5], Integer.parseInt(args[6])); break;
      case "read": read(args[1], args[2]); break;
      default: throw new IllegalArgumentException(args[0]);
    }
    System.exit(0); // no lingering client threads
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String group, String isolation) {
    Properties p = common(bootstrap);
    if (group != null) p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", isolation);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  static void failover(String bootstrap, String topic, String group, int before, int after) throws Exception {
    Set<Integer> consumed = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean(false);
    Thread consumerThread = new Thread(() -> {
      try (KafkaConsumer<String, String> c = consumer(bootstrap, group, "read_uncommitted")) {
        c.subscribe(List.of(topic));
        while (!stop.get()) {
          try {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) consumed.add(Integer.parseInt(r.value().substring(2)));
          } catch (KafkaException e) {
            error("poll", e);
          }
        }
      } catch (Exception e) {
        error("consumer", e);
      }
    }, "group-consumer");
    consumerThread.start();

    Properties pp = common(bootstrap);
    pp.put("enable.idempotence", "true");
    pp.put("acks", "all");
    pp.put("linger.ms", "0");
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    List<Integer> acked = new ArrayList<>();
    List<Long> p0AckTimes = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      int partitions = producer.partitionsFor(topic).size();
      int seq = 0;
      long killedAt = -1;
      int ackedAfterKill = 0;
      long deadline = Long.MAX_VALUE;
      while (true) {
        int i = seq++;
        int partition = i % partitions;
        try {
          producer.send(new ProducerRecord<>(topic, partition, null, "v-" + i)).get();
          long now = System.currentTimeMillis();
          acked.add(i);
          if (partition == 0) p0AckTimes.add(now);
          if (killedAt >= 0) ackedAfterKill++;
        } catch (ExecutionException e) {
          error("send v-" + i, e.getCause());
        }
        if (killedAt < 0 && acked.size() >= before) {
          emit("{\"event\":\"before\"}");
          killedAt = awaitKill();
          deadline = System.currentTimeMillis() + 120_000;
        }
        if (killedAt >= 0) {
          final long k = killedAt;
          boolean p0After = p0AckTimes.stream().anyMatch(t -> t >= k);
          if (p0After && ackedAfterKill >= after) break;
          if (System.currentTimeMillis() > deadline) { errors.add("no acknowledged produce to partition 0 within 120 s of the kill"); break; }
        }
      }
    }
    emit("{\"event\":\"produced\"}");
    // the group keeps consuming: wait (bounded) until it has every acknowledged record
    long until = System.currentTimeMillis() + 60_000;
    while (!consumed.containsAll(acked) && System.currentTimeMillis() < until) Thread.sleep(100);
    stop.set(true);
    consumerThread.join(30_000);
    List<Integer> got = new ArrayList<>(consumed);
    Collections.sort(got);
    emit("{\"event\":\"done\",\"acked\":" + arr(acked) + ",\"p0AckTimes\":" + arr(p0AckTimes) + ",\"consumed\":" + arr(got) + ",\"errors\":" + arr(new ArrayList<>(errors)) + "}");
  }

  static KafkaProducer<String, String> txProducer(String bootstrap, String txId) {
    Properties pp = common(bootstrap);
    pp.put("transactional.id", txId);
    pp.put("transaction.timeout.ms", "60000");
    pp.put("key.serializer", StringSerializer.class.getName());
    pp.put("value.serializer", StringSerializer.class.getName());
    KafkaProducer<String, String> p = new KafkaProducer<>(pp);
    p.initTransactions();
    return p;
  }

  static void eos(String bootstrap, String in, String out, String group, String txId, int n) throws Exception {
    int txns = 0, aborted = 0, replaced = 0;
    boolean killed = false;
    Integer txnCoordinator = null, groupCoordinator = null;
    KafkaProducer<String, String> producer = txProducer(bootstrap, txId);
    try (KafkaConsumer<String, String> c = consumerWith(bootstrap, group)) {
      c.subscribe(List.of(in));
      Map<TopicPartition, Long> committed = new HashMap<>(); // what our committed transactions cover
      long deadline = System.currentTimeMillis() + 240_000;
      while (committed.values().stream().mapToLong(Long::longValue).sum() < n) {
        if (System.currentTimeMillis() > deadline) { errors.add("the loop did not cover the input within 240 s"); break; }
        ConsumerRecords<String, String> recs;
        try {
          recs = c.poll(Duration.ofMillis(200));
        } catch (KafkaException e) {
          error("poll", e);
          continue;
        }
        if (recs.isEmpty()) continue;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        boolean pauseForKill = !killed && committed.values().stream().mapToLong(Long::longValue).sum() >= n / 3;
        try {
          producer.beginTransaction();
          for (ConsumerRecord<String, String> r : recs) {
            producer.send(new ProducerRecord<>(out, "out-" + r.value().substring(3)));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          }
          if (pauseForKill) {
            producer.flush();
            try (Admin admin = Admin.create(common(bootstrap))) {
              txnCoordinator = admin.describeTransactions(List.of(txId)).description(txId).get(30, TimeUnit.SECONDS).coordinatorId();
              groupCoordinator = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS).coordinator().id();
            } catch (Exception e) {
              error("describe coordinators", e);
            }
            emit("{\"event\":\"before\",\"txnCoordinator\":" + txnCoordinator + ",\"groupCoordinator\":" + groupCoordinator + ",\"open\":" + recs.count() + "}");
            awaitKill();
            killed = true;
          }
          producer.sendOffsetsToTransaction(offsets, c.groupMetadata());
          producer.commitTransaction();
          txns++;
          for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) committed.put(e.getKey(), e.getValue().offset());
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
          error("transaction (fenced: a new producer)", e);
          try { producer.close(Duration.ZERO); } catch (Exception ignore) { }
          producer = txProducer(bootstrap, txId);
          replaced++;
          rewind(c, committed);
        } catch (KafkaException e) {
          error("transaction", e);
          try {
            producer.abortTransaction();
            aborted++;
          } catch (Exception e2) {
            error("abort (a new producer)", e2);
            try { producer.close(Duration.ZERO); } catch (Exception ignore) { }
            producer = txProducer(bootstrap, txId);
            replaced++;
          }
          rewind(c, committed);
        }
      }
    } finally {
      producer.close(Duration.ofSeconds(10));
    }
    emit("{\"event\":\"done\",\"transactions\":" + txns + ",\"aborted\":" + aborted + ",\"replacedProducers\":" + replaced
        + ",\"txnCoordinator\":" + txnCoordinator + ",\"groupCoordinator\":" + groupCoordinator + ",\"errors\":" + arr(new ArrayList<>(errors)) + "}");
  }

  static KafkaConsumer<String, String> consumerWith(String bootstrap, String group) {
    Properties p = common(bootstrap);
    p.put("group.id", group);
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", "false");
    p.put("max.poll.records", "10");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * After a failed transaction: go back to the group's committed offsets as the coordinator has
   * them (a commit that failed on the client may still have committed), and take them as covered.
   */
  static void rewind(KafkaConsumer<String, String> c, Map<TopicPartition, Long> committed) {
    Set<TopicPartition> assigned = c.assignment();
    Map<TopicPartition, OffsetAndMetadata> onBroker = c.committed(assigned, Duration.ofSeconds(60));
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata o = onBroker.get(tp);
      if (o != null) {
        c.seek(tp, o.offset());
        committed.put(tp, o.offset());
      } else {
        c.seekToBeginning(List.of(tp));
      }
    }
  }

  static void read(String bootstrap, String topic) throws Exception {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, null, "read_committed")) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      long deadline = System.currentTimeMillis() + 60_000;
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("reading " + topic + " to " + ends + " timed out");
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
      }
    }
    emit("{\"event\":\"read\",\"values\":" + arr(values) + "}");
  }
}
