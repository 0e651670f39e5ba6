// Share-group throughput (issue 12): pre-fills a 4-partition topic with N records of SIZE bytes
// (timed, reported as the produce rate), then per repetition 4 KafkaShareConsumers of a fresh share
// group (share.auto.offset.reset=earliest; implicit acknowledgement, Kafka's default: each poll()
// accepts the previous poll's records), one thread each, consume until every record has been
// delivered at least once. Distinct records are counted by (partition, offset), so a redelivery
// (a lock that expired on a busy machine) is reported as such and never ends a run early.
// One JSON line per repetition:
//   totalMs    start of the consumers -> last distinct record delivered (includes the group join)
//   steadyMs   first record delivered -> last distinct record delivered (the rate below)
//   recordsPerSec, mibPerSec  N / steadyMs, N * SIZE / steadyMs (values only, no keys)
//   redelivered  deliveries beyond the first of a record
//   java -cp 'compat/.cache/kafka-libs/*' bench/java/ShareThroughput.java BOOTSTRAP N [SIZE] [REPS]
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.*;

public class ShareThroughput {
    static final int CONSUMERS = 4;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int n = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String topic = "share-bench-" + System.nanoTime();
        Properties ap = new Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, CONSUMERS, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("linger.ms", "5");
        pp.put("batch.size", "65536");
        byte[] value = new byte[size];
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(topic, i % CONSUMERS, null, value));
            p.flush();
        }
        double produceS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("{\"produce\":true,\"records\":%d,\"size\":%d,\"seconds\":%.3f,\"recordsPerSec\":%.0f}%n", n, size, produceS, n / produceS);
        for (int rep = 0; rep < reps; rep++) System.out.println(oneRep(bootstrap, topic, topic + "-g" + rep, rep, n, size));
    }

    static String oneRep(String bootstrap, String topic, String group, int rep, int n, int size) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group),
                List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        }
        Set<Long> seen = ConcurrentHashMap.newKeySet(n * 2);
        AtomicLong deliveries = new AtomicLong(), first = new AtomicLong(), last = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CONSUMERS);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            fs.add(pool.submit(() -> {
                Properties cp = new Properties();
                cp.put("bootstrap.servers", bootstrap);
                cp.put("group.id", group);
                try (KafkaShareConsumer<byte[], byte[]> sc = new KafkaShareConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    sc.subscribe(List.of(topic));
                    long end = System.currentTimeMillis() + 300_000;
                    while (seen.size() < n && System.currentTimeMillis() < end) {
                        ConsumerRecords<byte[], byte[]> recs = sc.poll(Duration.ofMillis(100));
                        if (recs.isEmpty()) continue;
                        first.compareAndSet(0, System.nanoTime());
                        for (ConsumerRecord<byte[], byte[]> r : recs) {
                            deliveries.incrementAndGet();
                            if (seen.add(((long) r.partition() << 48) | r.offset()) && seen.size() == n) last.set(System.nanoTime());
                        }
                    }
                    sc.commitSync(); // acknowledges the last poll's records before leaving
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        if (seen.size() < n) throw new IllegalStateException("rep " + rep + ": " + seen.size() + " of " + n + " records in 300 s");
        double steadyS = (last.get() - first.get()) / 1e9;
        return String.format("{\"rep\":%d,\"records\":%d,\"size\":%d,\"totalMs\":%d,\"steadyMs\":%d,\"recordsPerSec\":%.0f,\"mibPerSec\":%.2f,\"redelivered\":%d}",
            rep, n, size, (last.get() - t0) / 1_000_000, (long) (steadyS * 1000), n / steadyS, n * (double) size / 1048576 / steadyS, deliveries.get() - n);
    }
}
