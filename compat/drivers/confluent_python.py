"""Drives confluent-kafka-python (librdkafka) through a broker (normally the recording proxy).

Usage: /usr/bin/python3 compat/drivers/confluent_python.py <bootstrap> [topic-prefix]
Exits non-zero on the first failing step.
"""
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

bootstrap = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else "golden-python"
topic = prefix + "-topic"
group = prefix + "-group"
common = {"bootstrap.servers": bootstrap, "client.id": "golden-python", "log_level": 3}


def step(s):
    print("[python] " + s, file=sys.stderr, flush=True)


def wait(futures, what):
    for k, f in futures.items():
        f.result(timeout=20)
    step(what + " ok")


admin = AdminClient(common)
step("create topic")
wait(admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], operation_timeout=10), "create_topics")
time.sleep(0.5)
admin.list_topics(topic=topic, timeout=10)
admin.list_topics(timeout=10)

step("produce with each codec")
for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
    p = Producer(dict(common, **{"compression.codec": codec, "linger.ms": 5, "enable.idempotence": False, "acks": "all"}))
    for i in range(3):
        p.produce(topic, key="key-%s-%d" % (codec, i), value="value %s %d %s" % (codec, i, "x" * 40),
                  headers=[("trace-id", "t-%s-%d" % (codec, i)), ("source", b"golden")])
    if p.flush(15) != 0:
        raise SystemExit("produce %s did not finish" % codec)

step("idempotent producer")
p = Producer(dict(common, **{"enable.idempotence": True, "linger.ms": 5}))
for i in range(3):
    p.produce(topic, key="key-idem-%d" % i, value="idempotent %d" % i, headers={"source": "golden"})
if p.flush(15) != 0:
    raise SystemExit("idempotent produce did not finish")

step("consumer group")
c = Consumer(dict(common, **{"group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                             "heartbeat.interval.ms": 300, "session.timeout.ms": 10000, "fetch.wait.max.ms": 200}))
c.subscribe([topic])
seen = 0
deadline = time.time() + 20
while seen < 18 and time.time() < deadline:
    m = c.poll(0.5)
    if m is None or m.error():
        continue
    seen += 1
step("consumed %d" % seen)
c.commit(asynchronous=False)
c.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
c.offsets_for_times([TopicPartition(topic, 0, int(time.time() * 1000) - 60000)], timeout=10)
time.sleep(1)
c.close()

step("consume alone (assign)")
c = Consumer(dict(common, **{"group.id": group + "-assign", "enable.auto.commit": False, "fetch.wait.max.ms": 200}))
c.assign([TopicPartition(topic, 1, -2)])  # OFFSET_BEGINNING
deadline = time.time() + 5
while time.time() < deadline:
    m = c.poll(0.5)
    if m is not None and not m.error():
        break
c.close()

step("admin")
groups = admin.list_groups(timeout=10)
step("groups: %s" % [g.id for g in groups])
wait(admin.describe_configs([ConfigResource("topic", topic), ConfigResource("broker", "1")]), "describe_configs")
wait(admin.alter_configs([ConfigResource("topic", topic, set_config={"retention.ms": "86400000"})]), "alter_configs")
wait(admin.create_partitions([NewPartitions(topic, 4)]), "create_partitions")
wait(admin.delete_topics([topic], operation_timeout=10), "delete_topics")
step("done")
