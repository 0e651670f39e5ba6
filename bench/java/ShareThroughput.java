// Share-group throughput: produces N records of 100 bytes to a 4-partition topic, then 4
// KafkaShareConsumers (implicit acknowledgement, one thread each) of one share group consume them
// all; prints the produce and consume rates. Not part of npm test or bench/run.js:
//   java -cp 'compat/.cache/kafka-libs/*' bench/java/ShareThroughput.java BOOTSTRAP N
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
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int n = Integer.parseInt(args[1]);
        String topic = "share-bench-" + System.nanoTime(), group = topic + "-g";
        Properties ap = new Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group),
                List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("linger.ms", "5");
        pp.put("batch.size", "65536");
        byte[] value = new byte[100];
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) p.send(new ProducerRecord<>(topic, value));
            p.flush();
        }
        double produceS = (System.nanoTime() - t0) / 1e9;
        AtomicLong consumed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long t1 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            fs.add(pool.submit(() -> {
                Properties cp = new Properties();
                cp.put("bootstrap.servers", bootstrap);
                cp.put("group.id", group);
                try (KafkaShareConsumer<byte[], byte[]> sc = new KafkaShareConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    sc.subscribe(List.of(topic));
                    long end = System.currentTimeMillis() + 300_000;
                    while (consumed.get() < n && System.currentTimeMillis() < end) consumed.addAndGet(sc.poll(Duration.ofMillis(100)).count());
                    sc.commitSync();
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        double consumeS = (System.nanoTime() - t1) / 1e9;
        System.out.printf("produce %d records in %.2f s (%.0f/s); 4 share consumers: %d records in %.2f s (%.0f/s, including the group join)%n",
            n, produceS, n / produceS, consumed.get(), consumeS, consumed.get() / consumeS);
    }
}
