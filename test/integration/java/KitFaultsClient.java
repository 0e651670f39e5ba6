// Kafka's Java client against the test kit's faults (test/testkit/java-faults.test.ts).
// args: bootstrap. 1) an idempotent producer sends one record (the broker drops the connection
// after appending it) and prints the offset it was acknowledged at; 2) a consumer with
// request.timeout.ms=1500 reads it back (the broker hangs its first Fetch) and prints the value.
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KitFaultsClient {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("client.id", "java-idempotent");
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    p.put("retry.backoff.ms", "50");
    p.put("request.timeout.ms", "5000");
    p.put("delivery.timeout.ms", "30000");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      RecordMetadata m = producer.send(new ProducerRecord<>("java-kit", 0, "k", "once")).get();
      System.out.println("produced " + m.offset());
    }
    Properties c = new Properties();
    c.put("bootstrap.servers", args[0]);
    c.put("client.id", "java-hung");
    c.put("request.timeout.ms", "1500");
    c.put("fetch.max.wait.ms", "100");
    c.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition("java-kit", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          System.out.println("consumed " + records.iterator().next().value());
          return;
        }
      }
      System.out.println("nothing consumed");
      System.exit(2);
    }
  }
}
