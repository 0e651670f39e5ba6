// KIP-848 rebalance time (issue 12): MEMBERS KafkaConsumers with group.protocol=consumer (one thread
// each, Kafka's default server-side assignor) join one group on a PARTITIONS-partition topic that
// holds 20 records in every partition. Auto-commit is off and auto.offset.reset=earliest, so a
// partition's new owner always reads it from the start: "consumed from" is observable after every
// move. Per repetition (a fresh group each time) it prints one JSON line:
//   joinAssignedMs  start of the members -> every partition owned, each member holding its even share
//   joinMs          ... and each partition has returned records to that owner's poll()
//   leaveAssignedMs member 0 starts close() (leave heartbeat) -> its partitions owned by the others
//   leaveMs         ... and each of them has returned records to its new owner's poll()
// Ownership comes from ConsumerRebalanceListener callbacks, which the Java client runs inside
// poll() once it has reconciled the assignment the coordinator sent, so the times include the
// heartbeat round trips and the client's reconciliation, as an application would see them.
//   java -cp 'compat/.cache/kafka-libs/*' bench/java/GroupRebalance.java BOOTSTRAP REPS [MEMBERS] [PARTITIONS]
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

public class GroupRebalance {
    static final long PHASE_TIMEOUT_MS = 120_000;

    /** Who owns each partition and whether its owner has consumed from it; all under one lock. */
    static final class State {
        final int partitions;
        final int[] owner;
        final boolean[] consumed;
        State(int partitions) {
            this.partitions = partitions;
            owner = new int[partitions];
            consumed = new boolean[partitions];
            Arrays.fill(owner, -1);
        }
        synchronized void assigned(int member, Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) { owner[tp.partition()] = member; consumed[tp.partition()] = false; }
            notifyAll();
        }
        synchronized void revoked(int member, Collection<TopicPartition> tps) {
            for (TopicPartition tp : tps) if (owner[tp.partition()] == member) { owner[tp.partition()] = -1; consumed[tp.partition()] = false; }
            notifyAll();
        }
        synchronized void polled(int member, ConsumerRecords<byte[], byte[]> recs) {
            for (TopicPartition tp : recs.partitions()) if (owner[tp.partition()] == member) consumed[tp.partition()] = true;
            notifyAll();
        }
        /** Every partition owned by a member not in `gone`, spread evenly over `members` owners. */
        boolean assignedEvenly(int members, Set<Integer> gone) {
            Map<Integer, Integer> count = new HashMap<>();
            for (int o : owner) { if (o < 0 || gone.contains(o)) return false; count.merge(o, 1, Integer::sum); }
            if (count.size() != members) return false;
            int lo = partitions / members, hi = (partitions + members - 1) / members;
            for (int c : count.values()) if (c < lo || c > hi) return false;
            return true;
        }
        boolean allConsumed() {
            for (boolean c : consumed) if (!c) return false;
            return true;
        }
        /** Waits until assignedEvenly, then until allConsumed too; returns the two times in ms from t0. */
        synchronized long[] await(long t0, int members, Set<Integer> gone) throws InterruptedException {
            long[] t = { -1, -1 };
            long deadline = System.currentTimeMillis() + PHASE_TIMEOUT_MS;
            while (true) {
                boolean even = assignedEvenly(members, gone);
                if (even && t[0] < 0) t[0] = System.nanoTime();
                if (!even) t[0] = -1; // moved again: the assignment was not final yet
                if (even && allConsumed()) { t[1] = System.nanoTime(); break; }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) throw new IllegalStateException("timed out: owners " + Arrays.toString(owner) + " consumed " + Arrays.toString(consumed));
                wait(left);
            }
            return new long[] { (t[0] - t0) / 1_000_000, (t[1] - t0) / 1_000_000 };
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int reps = Integer.parseInt(args[1]);
        int members = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        String topic = "rebalance-bench-" + System.nanoTime();
        Properties ap = new Properties();
        ap.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int part = 0; part < partitions; part++)
                for (int i = 0; i < 20; i++) p.send(new ProducerRecord<>(topic, part, null, new byte[100]));
            p.flush();
        }
        for (int rep = 0; rep < reps; rep++) System.out.println(oneRep(bootstrap, topic, "g-" + topic + "-" + rep, rep, members, partitions));
    }

    static String oneRep(String bootstrap, String topic, String group, int rep, int members, int partitions) throws Exception {
        State st = new State(partitions);
        boolean[] stop = new boolean[members];
        ExecutorService pool = Executors.newFixedThreadPool(members);
        CountDownLatch created = new CountDownLatch(members), go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            final int me = m;
            fs.add(pool.submit(() -> {
                Properties cp = new Properties();
                cp.put("bootstrap.servers", bootstrap);
                cp.put("group.id", group);
                cp.put("group.protocol", "consumer");
                cp.put("client.id", group + "-m" + me);
                cp.put("enable.auto.commit", "false");
                cp.put("auto.offset.reset", "earliest");
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    created.countDown();
                    go.await();
                    c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                        public void onPartitionsAssigned(Collection<TopicPartition> tps) { st.assigned(me, tps); }
                        public void onPartitionsRevoked(Collection<TopicPartition> tps) { st.revoked(me, tps); }
                        public void onPartitionsLost(Collection<TopicPartition> tps) { st.revoked(me, tps); }
                    });
                    while (!stopped(stop, me)) st.polled(me, c.poll(Duration.ofMillis(20)));
                }
                return null;
            }));
        }
        created.await(); // client construction (JVM class loading) is not part of the rebalance
        long t0 = System.nanoTime();
        go.countDown();
        long[] join = st.await(t0, members, Set.of());
        long t1 = System.nanoTime();
        synchronized (stop) { stop[0] = true; } // member 0 leaves: close() sends the leave heartbeat
        long[] leave = st.await(t1, members - 1, Set.of(0));
        synchronized (stop) { Arrays.fill(stop, true); }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        return String.format("{\"rep\":%d,\"members\":%d,\"partitions\":%d,\"joinAssignedMs\":%d,\"joinMs\":%d,\"leaveAssignedMs\":%d,\"leaveMs\":%d}",
            rep, members, partitions, join[0], join[1], leave[0], leave[1]);
    }

    static boolean stopped(boolean[] stop, int me) {
        synchronized (stop) { return stop[me]; }
    }
}
