// Kafka's Java KafkaShareConsumer 4.4 (KIP-932) against a broker: explicit acknowledgement
// (accept, release that redelivers with delivery count 2, reject that archives), implicit
// acknowledgement (a later member of the group sees nothing again), and a record lock that runs
// out (share.record.lock.duration.ms=2000 on that group) and redelivers to another member with
// delivery count 2. One line per observation on stdout; args[1] names the topics (unique per run).
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.*;

public class ShareClient {
    static String bootstrap;

    static KafkaShareConsumer<String, String> consumer(String group, boolean explicit) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("share.acknowledgement.mode", explicit ? "explicit" : "implicit");
        return new KafkaShareConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static void produce(String topic, String... values) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, String> prod = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String v : values) prod.send(new ProducerRecord<>(topic, v)).get();
        }
    }

    static void groupConfig(Admin admin, String group, Map<String, String> configs) throws Exception {
        List<AlterConfigOp> ops = new ArrayList<>();
        configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), ops)).all().get();
    }

    // Polls until `want` records came or 30 s passed.
    static List<ConsumerRecord<String, String>> pollFor(KafkaShareConsumer<String, String> c, int want, boolean ackEach) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long end = System.currentTimeMillis() + 30_000;
        while (out.size() < want && System.currentTimeMillis() < end) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                out.add(r);
                if (ackEach) c.acknowledge(r, AcknowledgeType.ACCEPT);
            }
        }
        return out;
    }

    static String describe(ConsumerRecord<String, String> r) {
        return r.value() + ":" + r.deliveryCount().map(String::valueOf).orElse("?");
    }

    static void explicit(Admin admin, String topic) throws Exception {
        String group = topic + "-explicit";
        groupConfig(admin, group, Map.of("share.auto.offset.reset", "earliest"));
        produce(topic, "a", "b", "c");
        try (KafkaShareConsumer<String, String> c = consumer(group, true)) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = pollFor(c, 3, false);
            StringBuilder sb = new StringBuilder("explicit first");
            for (ConsumerRecord<String, String> r : got) {
                sb.append(' ').append(describe(r));
                AcknowledgeType t = r.value().equals("a") ? AcknowledgeType.ACCEPT : r.value().equals("b") ? AcknowledgeType.RELEASE : AcknowledgeType.REJECT;
                c.acknowledge(r, t);
            }
            System.out.println(sb);
            Map<?, Optional<org.apache.kafka.common.KafkaException>> res = c.commitSync();
            System.out.println("explicit commit " + res.values().stream().allMatch(Optional::isEmpty));
            List<ConsumerRecord<String, String>> again = pollFor(c, 1, true);
            StringBuilder sb2 = new StringBuilder("explicit again");
            for (ConsumerRecord<String, String> r : again) sb2.append(' ').append(describe(r));
            System.out.println(sb2);
            c.commitSync();
            System.out.println("explicit after " + pollFor(c, 1, true).size());
        }
        ShareGroupDescription d = admin.describeShareGroups(List.of(group)).describedGroups().get(group).get();
        System.out.println("describe " + d.groupState() + " " + d.members().size());
    }

    static void implicit(Admin admin, String topic) throws Exception {
        String group = topic + "-implicit";
        groupConfig(admin, group, Map.of("share.auto.offset.reset", "earliest"));
        produce(topic, "1", "2", "3", "4", "5");
        int first;
        try (KafkaShareConsumer<String, String> c = consumer(group, false)) {
            c.subscribe(List.of(topic));
            first = pollFor(c, 5, false).size();
            c.commitSync(); // implicit mode: accepts what the last poll returned
        }
        try (KafkaShareConsumer<String, String> c = consumer(group, false)) {
            c.subscribe(List.of(topic));
            long end = System.currentTimeMillis() + 3_000;
            int later = 0;
            while (System.currentTimeMillis() < end) later += c.poll(Duration.ofMillis(200)).count();
            System.out.println("implicit " + first + " " + later);
        }
        boolean listed = admin.listGroups(ListGroupsOptions.forShareGroups()).all().get().stream().anyMatch(g -> g.groupId().equals(group));
        System.out.println("listed " + listed);
    }

    static void lockExpiry(Admin admin, String topic) throws Exception {
        String group = topic + "-locks";
        groupConfig(admin, group, Map.of("share.auto.offset.reset", "earliest", "share.record.lock.duration.ms", "2000"));
        produce(topic, "x", "y");
        try (KafkaShareConsumer<String, String> holder = consumer(group, true)) {
            holder.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> held = pollFor(holder, 2, false);
            StringBuilder sb = new StringBuilder("held");
            for (ConsumerRecord<String, String> r : held) sb.append(' ').append(describe(r));
            System.out.println(sb);
            Thread.sleep(3_000); // the holder neither polls nor acknowledges: its locks run out
            try (KafkaShareConsumer<String, String> other = consumer(group, true)) {
                other.subscribe(List.of(topic));
                List<ConsumerRecord<String, String>> got = pollFor(other, 2, true);
                StringBuilder sb2 = new StringBuilder("redelivered");
                for (ConsumerRecord<String, String> r : got) sb2.append(' ').append(describe(r));
                System.out.println(sb2);
                other.commitSync();
            }
            // The holder's late acknowledgement: the other member acknowledged them since, so they
            // lie below the start offset and Kafka 4.4.0 answers no error.
            for (ConsumerRecord<String, String> r : held) holder.acknowledge(r, AcknowledgeType.ACCEPT);
            Map<?, Optional<org.apache.kafka.common.KafkaException>> res = holder.commitSync();
            System.out.println("late " + res.values().stream().map(o -> o.map(e -> e.getClass().getSimpleName()).orElse("ok")).sorted().toList());
        }
    }

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        String topic = args[1];
        Properties ap = new Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic + "-e", 1, (short) 1), new NewTopic(topic + "-i", 1, (short) 1), new NewTopic(topic + "-l", 1, (short) 1))).all().get();
            explicit(admin, topic + "-e");
            implicit(admin, topic + "-i");
            lockExpiry(admin, topic + "-l");
        }
    }
}
