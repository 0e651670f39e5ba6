// A Java producer (kafka-clients 4.4) that writes as fast as the broker lets it and reports what it
// achieved, second by second: the acknowledged payload bytes of each second and the produce
// throttle time the client observed (the producer metric produce-throttle-time-max).
//
//   java -cp 'compat/.cache/kafka-libs/*' compat/quotas/QuotaProducer.java BOOTSTRAP CLIENT_ID TOPIC SECONDS
//
// Output: one line `second N bytes B throttleMaxMs T` per second, then `total bytes B seconds S`.
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class QuotaProducer {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], clientId = args[1], topic = args[2];
    int seconds = Integer.parseInt(args[3]);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    byte[] value = new byte[1000];
    AtomicLongArray perSecond = new AtomicLongArray(seconds + 1);
    double[] throttle = new double[seconds + 1];
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      int lastSecond = 0;
      while (System.nanoTime() < end) {
        producer.send(new ProducerRecord<>(topic, value), (md, err) -> {
          if (err != null) return;
          int s = (int) ((System.nanoTime() - start) / 1_000_000_000L);
          if (s < perSecond.length()) perSecond.addAndGet(s, value.length);
        });
        int s = (int) ((System.nanoTime() - start) / 1_000_000_000L);
        if (s != lastSecond && s <= seconds) {
          throttle[lastSecond] = throttleMax(producer);
          lastSecond = s;
        }
      }
      // Records still buffered are not counted: only what was acknowledged within the run.
      producer.close(java.time.Duration.ZERO);
    }
    long total = 0;
    for (int s = 0; s < seconds; s++) {
      System.out.println("second " + s + " bytes " + perSecond.get(s) + " throttleMaxMs " + Math.round(throttle[s]));
      total += perSecond.get(s);
    }
    System.out.println("total bytes " + total + " seconds " + seconds);
  }

  static double throttleMax(KafkaProducer<byte[], byte[]> producer) {
    for (java.util.Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
      if (e.getKey().name().equals("produce-throttle-time-max") && e.getKey().group().equals("producer-metrics")) {
        Object v = e.getValue().metricValue();
        return v instanceof Double && !((Double) v).isNaN() ? (Double) v : 0;
      }
    }
    return 0;
  }
}
