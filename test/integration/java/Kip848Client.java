// Kafka's Java KafkaConsumer with group.protocol=consumer (KIP-848) against a broker: two members
// share a topic with the server-side assignor named in args[1], a SubscriptionPattern (server-side
// regex) member, a static member that restarts and gets its partitions back, committed offsets,
// and the Admin view (type, state, assignor). One line per observation on stdout.
import java.time.Duration;
import java.util.*;
import java.util.stream.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

public class Kip848Client {
    static String bootstrap;

    static KafkaConsumer<String, String> consumer(String group, String assignor, String instanceId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("group.protocol", "consumer");
        p.put("group.remote.assignor", assignor);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        if (instanceId != null) p.put("group.instance.id", instanceId);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static String parts(Collection<TopicPartition> tps) {
        return tps.stream().map(tp -> tp.topic() + "-" + tp.partition()).sorted().collect(Collectors.joining(","));
    }

    static long position(KafkaConsumer<String, String> c) {
        return c.assignment().stream().mapToLong(tp -> c.position(tp)).sum();
    }

    // Polls every consumer (all from this thread) until the condition holds or 60 s pass.
    static int pollUntil(List<KafkaConsumer<String, String>> cs, java.util.function.BooleanSupplier done) {
        int records = 0;
        long end = System.currentTimeMillis() + 60_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new RuntimeException("timed out; assignments " + cs.stream().map(c -> parts(c.assignment())).collect(Collectors.toList()));
            for (KafkaConsumer<String, String> c : cs) records += c.poll(Duration.ofMillis(100)).count();
        }
        return records;
    }

    public static void main(String[] args) throws Exception {
        bootstrap = args[0];
        String assignor = args[1];
        String topic = "kip848-" + assignor;
        String group = "g-" + assignor;
        Properties ap = new Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
            Properties pp = new Properties();
            pp.put("bootstrap.servers", bootstrap);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 60; i++) producer.send(new ProducerRecord<>(topic, i % 6, "k" + i, "v" + i));
            }

            KafkaConsumer<String, String> a = consumer(group, assignor, null);
            a.subscribe(List.of(topic));
            int got = pollUntil(List.of(a), () -> a.assignment().size() == 6);
            System.out.println("alone " + a.assignment().size());

            KafkaConsumer<String, String> b = consumer(group, assignor, null);
            b.subscribe(List.of(topic));
            got += pollUntil(List.of(a, b), () -> a.assignment().size() == 3 && b.assignment().size() == 3);
            Set<TopicPartition> union = new HashSet<>(a.assignment());
            union.addAll(b.assignment());
            System.out.println("shared " + a.assignment().size() + " " + b.assignment().size() + " " + union.size());
            if (assignor.equals("range")) System.out.println("ranges " + parts(a.assignment()) + " " + parts(b.assignment()));
            // Records a read before b joined are read again by b (nothing was committed then), so
            // wait for the positions, not for a record count.
            pollUntil(List.of(a, b), () -> position(a) + position(b) == 60);
            System.out.println("consumed " + (position(a) + position(b)));
            a.commitSync();
            b.commitSync();

            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            System.out.println("describe " + d.type() + " " + d.groupState() + " " + d.members().size() + " " + d.partitionAssignor());
            Collection<GroupListing> listed = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get();
            System.out.println("listed " + listed.stream().filter(l -> l.groupId().equals(group)).map(l -> l.type().orElse(null) + " " + l.groupState().orElse(null)).findFirst().orElse("none"));
            a.close();
            b.close();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            System.out.println("committed " + committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());

            // Server-side regular expression (SubscriptionPattern, RE2/J syntax on Kafka).
            KafkaConsumer<String, String> r = consumer(group + "-re", assignor, null);
            r.subscribe(new SubscriptionPattern("kip848-" + assignor.charAt(0) + ".*"));
            pollUntil(List.of(r), () -> r.assignment().size() == 6);
            System.out.println("regex " + r.assignment().size());
            r.close();

            // A static member restarts with the same group.instance.id and gets its partitions back.
            KafkaConsumer<String, String> s1 = consumer(group + "-static", assignor, "instance-1");
            KafkaConsumer<String, String> s2 = consumer(group + "-static", assignor, "instance-2");
            s1.subscribe(List.of(topic));
            s2.subscribe(List.of(topic));
            pollUntil(List.of(s1, s2), () -> s1.assignment().size() == 3 && s2.assignment().size() == 3);
            String before = parts(s1.assignment());
            s1.close();
            KafkaConsumer<String, String> s1b = consumer(group + "-static", assignor, "instance-1");
            s1b.subscribe(List.of(topic));
            pollUntil(List.of(s1b, s2), () -> s1b.assignment().size() == 3);
            System.out.println("static " + before.equals(parts(s1b.assignment())) + " " + s2.assignment().size());
            s1b.close();
            s2.close();
        }
    }
}
