// Fixed-rate (open-loop) end-to-end latency with the Java client, for bench/run.js.
// Kafka's EndToEndLatency tool is closed loop (one record in flight, whole-millisecond
// percentiles), so it cannot hold 5,000 records/s; this one can.
//
// Run with the JDK's source launcher (no build step):
//   java -cp "$KAFKA_LIBS/*" bench/java/OpenLoopLatency.java BOOTSTRAP TOPIC RATE SECONDS WARMUP_SECONDS SIZE ACKS
//
// A producer sends SIZE-byte records to partition 0 on a fixed schedule (record i is due at
// t0 + i/RATE). Each value carries i and its due time. A consumer assigned to partition 0 (from the
// end, positioned before the first send) takes the latency of each record as receive time minus
// DUE time, so a stall on either side is charged to every record it delays (no coordinated
// omission). Records due in the first WARMUP_SECONDS are not counted. Client settings: linger.ms=0,
// everything else the client's defaults (fetch.min.bytes=1, fetch.max.wait.ms=500).
// Prints one line: RESULT {"sent":..,"received":..,"p50Ms":..,...}
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

public class OpenLoopLatency {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int rate = Integer.parseInt(args[2]);
    double seconds = Double.parseDouble(args[3]);
    double warmup = Double.parseDouble(args[4]);
    int size = Math.max(16, Integer.parseInt(args[5]));
    String acks = args[6];

    int warmCount = (int) Math.round(warmup * rate);
    int total = warmCount + (int) Math.round(seconds * rate);
    long[] lat = new long[total - warmCount];
    boolean[] seen = new boolean[total];

    Properties cp = new Properties();
    cp.put("bootstrap.servers", bootstrap);
    cp.put("enable.auto.commit", "false");
    cp.put("auto.offset.reset", "latest");
    cp.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    cp.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    Properties pp = new Properties();
    pp.put("bootstrap.servers", bootstrap);
    pp.put("acks", acks);
    pp.put("linger.ms", "0");
    pp.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    pp.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");

    TopicPartition tp = new TopicPartition(topic, 0);
    CountDownLatch positioned = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    long[] doneAt = new long[1];
    final long deadlineNs = System.nanoTime() + (long) ((seconds + warmup + 30) * 1e9);

    Thread consumerThread = new Thread(() -> {
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
        positioned.countDown();
        int got = 0;
        while (got < total && System.nanoTime() < deadlineNs) {
          ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(100));
          long now = System.nanoTime();
          for (ConsumerRecord<byte[], byte[]> r : recs) {
            ByteBuffer v = ByteBuffer.wrap(r.value());
            long i = v.getLong();
            long due = v.getLong();
            if (i < 0 || i >= total) continue;
            if (seen[(int) i]) { duplicates.incrementAndGet(); continue; }
            seen[(int) i] = true;
            got++;
            if (i >= warmCount) lat[(int) i - warmCount] = now - due;
          }
          received.set(got);
        }
        doneAt[0] = System.nanoTime();
      }
    });
    consumerThread.setDaemon(true);
    consumerThread.start();

    AtomicLong errors = new AtomicLong();
    long sendStart;
    long sendEnd;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
      // connect and warm the producer's metadata before the schedule starts
      byte[] w = new byte[size];
      ByteBuffer.wrap(w).putLong(-1L).putLong(0L);
      producer.send(new ProducerRecord<>(topic, 0, null, w)).get();
      if (!positioned.await(60, java.util.concurrent.TimeUnit.SECONDS)) throw new RuntimeException("consumer never positioned");
      long intervalNs = 1_000_000_000L / rate;
      long t0 = System.nanoTime() + 20_000_000L;
      sendStart = t0;
      for (int i = 0; i < total; i++) {
        long due = t0 + i * intervalNs;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          if (wait > 60_000) LockSupport.parkNanos(wait - 50_000); else Thread.onSpinWait();
        }
        byte[] value = new byte[size];
        ByteBuffer.wrap(value).putLong(i).putLong(due);
        producer.send(new ProducerRecord<>(topic, 0, null, value), (md, e) -> { if (e != null) errors.incrementAndGet(); });
      }
      sendEnd = System.nanoTime();
      producer.flush();
    }
    consumerThread.join((long) ((seconds + warmup + 35) * 1000));

    int n = 0;
    for (int i = warmCount; i < total; i++) if (seen[i]) n++;
    long[] s = new long[n];
    int k = 0;
    for (int i = warmCount; i < total; i++) if (seen[i]) s[k++] = lat[i - warmCount];
    Arrays.sort(s);
    double sum = 0;
    for (long x : s) sum += x;
    double achieved = (total - 1) / ((sendEnd - sendStart) / 1e9);
    StringBuilder out = new StringBuilder("RESULT {");
    out.append("\"rate\":").append(rate)
       .append(",\"achievedSendRate\":").append(Math.round(achieved))
       .append(",\"sent\":").append(total)
       .append(",\"received\":").append(received.get())
       .append(",\"measured\":").append(n)
       .append(",\"missing\":").append((total - warmCount) - n)
       .append(",\"duplicates\":").append(duplicates.get())
       .append(",\"sendErrors\":").append(errors.get())
       .append(",\"meanMs\":").append(ms(n == 0 ? 0 : sum / n))
       .append(",\"p50Ms\":").append(ms(pct(s, 0.50)))
       .append(",\"p90Ms\":").append(ms(pct(s, 0.90)))
       .append(",\"p99Ms\":").append(ms(pct(s, 0.99)))
       .append(",\"p999Ms\":").append(ms(pct(s, 0.999)))
       .append(",\"maxMs\":").append(ms(n == 0 ? 0 : s[n - 1]))
       .append("}");
    System.out.println(out);
    System.exit(n == 0 ? 1 : 0);
  }

  static double pct(long[] s, double q) {
    if (s.length == 0) return 0;
    int idx = (int) Math.ceil(q * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, idx))];
  }

  static String ms(double ns) {
    return String.format(java.util.Locale.ROOT, "%.3f", ns / 1e6);
  }
}
