// Kafka's Java client (4.4) with SASL/OAUTHBEARER and its unsecured login module, as a developer
// configures it against a local Kafka: the client makes its own unsigned token with the claims the
// JAAS options give. Produces one record as `sub` and prints the result, or the exception that
// stopped it. Arguments: bootstrap, sub, scope (comma-separated, may be empty).
import java.util.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.serialization.StringSerializer;

public class OAuthClient {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "OAUTHBEARER");
    String scope = args.length > 2 && !args[2].isEmpty() ? " unsecuredLoginListClaim_scope=\"," + args[2] + "\"" : "";
    p.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub=\"" + args[1] + "\"" + scope + ";");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    p.put("max.block.ms", "15000");
    p.put("delivery.timeout.ms", "15000");
    p.put("request.timeout.ms", "10000");
    try (Producer<String, String> producer = new KafkaProducer<>(p)) {
      RecordMetadata m = producer.send(new ProducerRecord<>("oauth-java", "k", "from-" + args[1])).get();
      System.out.println("produced " + m.topic() + "-" + m.partition() + "@" + m.offset());
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      if (c.getMessage() != null && c.getMessage().startsWith("Failed to create")) { Throwable r = c; while (r.getCause() != null) r = r.getCause(); c = r; }
      System.out.println("failed " + c.getClass().getSimpleName() + ": " + c.getMessage());
    }
  }
}
