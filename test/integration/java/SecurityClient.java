// Kafka's Java client (4.4) against a SASL_SSL listener, as an application configures it: JAAS
// config, PEM truststore. Creates a SCRAM user with Admin.alterUserScramCredentials (the client
// salts the password), lists it, checks describeAcls without an authorizer, then produces as the
// new user (SCRAM-SHA-256) and consumes as alice (PLAIN). Prints one line per step. A third
// argument (a PLAINTEXT bootstrap) first creates alice's SCRAM-SHA-512 credential there.
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.serialization.*;

public class SecurityClient {
  static Properties props(String bootstrap, String ca, String mechanism, String user, String password) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("security.protocol", "SASL_SSL");
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", ca);
    p.put("sasl.mechanism", mechanism);
    String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule" : "org.apache.kafka.common.security.scram.ScramLoginModule";
    p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
    return p;
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], ca = args[1];
    if (args.length > 2) {
      // Setup over a PLAINTEXT listener (as kafka-configs would): alice's SCRAM-SHA-512 credential.
      Properties p = new Properties();
      p.put("bootstrap.servers", args[2]);
      try (Admin admin = Admin.create(p)) {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret"))).all().get();
      }
    }
    try (Admin admin = Admin.create(props(bootstrap, ca, "SCRAM-SHA-512", "alice", "alice-secret"))) {
      System.out.println("cluster " + admin.describeCluster().nodes().get());
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "carol-secret"))).all().get();
      UserScramCredentialsDescription d = admin.describeUserScramCredentials(List.of("carol")).description("carol").get();
      System.out.println("scram " + d.name() + " " + d.credentialInfos());
      try {
        admin.describeAcls(AclBindingFilter.ANY).values().get();
        System.out.println("acls no error");
      } catch (Exception e) {
        System.out.println("acls " + (e.getCause() instanceof SecurityDisabledException) + " " + e.getCause().getMessage());
      }
      admin.createTopics(List.of(new NewTopic("java-sasl", 1, (short) 1))).all().get();
    }
    Properties pp = props(bootstrap, ca, "SCRAM-SHA-256", "carol", "carol-secret");
    try (Producer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("java-sasl", "k", "from-carol")).get();
      System.out.println("produced");
    }
    Properties cp = props(bootstrap, ca, "PLAIN", "alice", "alice-secret");
    cp.put("group.id", "java-sasl-group");
    cp.put("auto.offset.reset", "earliest");
    try (Consumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("java-sasl"));
      long deadline = System.currentTimeMillis() + 20000;
      String got = null;
      while (got == null && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) got = r.value();
      }
      System.out.println("consumed " + got);
    }
    try (Admin wrong = Admin.create(props(bootstrap, ca, "SCRAM-SHA-256", "carol", "wrong"))) {
      wrong.describeCluster().nodes().get();
    } catch (Exception e) {
      System.out.println("wrong " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
    }
  }
}
