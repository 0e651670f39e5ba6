"""confluent-kafka-python (Debian python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) compat driver.

Usage: /usr/bin/python3 compat/clients/drivers/confluent_python.py <bootstrap> <prefix>
Prints one JSON result line per scenario (see compat/clients/drivers/driver_util.py).
"""
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource, NewPartitions, NewTopic

sys.dont_write_bytecode = True  # importing driver_util leaves no __pycache__ next to the drivers
from driver_util import CheckError, Skip, check, check_same, log as log_tag, msgs, scenario, verify_records, wait_for

if len(sys.argv) < 3:
    print("usage: confluent_python.py <bootstrap> <prefix>", file=sys.stderr)
    sys.exit(2)
bootstrap, prefix = sys.argv[1], sys.argv[2]
COMMON = {"bootstrap.servers": bootstrap, "client.id": "compat-confluent-python", "log_level": 3,
          "socket.timeout.ms": 15000}


def log(*a):
    log_tag("confluent-python", *a)


def T(name):
    return "%s-%s" % (prefix, name)


admin = AdminClient(dict(COMMON))


def err_name(e):
    """KafkaException / KafkaError -> its name (e.g. TOPIC_ALREADY_EXISTS)."""
    if isinstance(e, KafkaException) and e.args and isinstance(e.args[0], KafkaError):
        return e.args[0].name()
    if isinstance(e, KafkaError):
        return e.name()
    return "%s: %s" % (type(e).__name__, e)


def create_topic(topic, partitions=3, config=None):
    fs = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1, config=config or {})],
                             operation_timeout=15, request_timeout=20)
    fs[topic].result(timeout=30)
    ok = wait_for(lambda: topic_ready(topic, partitions), 15, 0.2)
    check(ok, "topic %s has no leaders for its %d partitions" % (topic, partitions), partitions, None)


def topic_ready(topic, partitions):
    md = admin.list_topics(topic=topic, timeout=10)
    t = md.topics.get(topic)
    return t is not None and t.error is None and len(t.partitions) == partitions and all(
        p.leader >= 0 for p in t.partitions.values())


def headers_for(i, codec):
    return [("codec", codec.encode()), ("idx", str(i).encode()), ("null-value", None), ("dup", b"a"), ("dup", b"b")]


def produce(topic, records, conf=None, headers=None):
    p = Producer(dict(COMMON, **{"linger.ms": 20, "acks": "all", **(conf or {})}))
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err.name())

    for i, (k, v) in enumerate(records):
        p.produce(topic, key=k, value=v, headers=headers(i) if headers else None, on_delivery=on_delivery)
        p.poll(0)
    left = p.flush(30)
    check(left == 0, "producer did not deliver everything in 30 s", 0, left)
    check(not errors, "delivery errors", [], errors)


def to_dict(m):
    h = m.headers()
    return {"partition": m.partition(), "offset": m.offset(),
            "key": m.key().decode() if m.key() is not None else None,
            "value": m.value().decode() if m.value() is not None else None,
            "headers": [[k, v.decode() if v is not None else None] for k, v in (h or [])]}


def read_all(topic, partitions, expected, group=None, timeout=30, extra=None):
    """Standalone consumer (assign, no commits) reading every partition from the beginning."""
    c = Consumer(dict(COMMON, **{"group.id": group or T("reader"), "enable.auto.commit": False,
                                 "fetch.wait.max.ms": 100, **(extra or {})}))
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        got = []
        until = time.time() + timeout
        while len(got) < expected and time.time() < until:
            m = c.poll(0.5)
            if m is None:
                continue
            check(m.error() is None, "consumer error", None, m.error() and m.error().str())
            got.append(to_dict(m))
        until = time.time() + 0.7  # anything beyond `expected` (duplicates) shows up now
        while time.time() < until:
            m = c.poll(0.2)
            if m is not None and m.error() is None:
                got.append(to_dict(m))
        return got
    finally:
        c.close()


def expect_headers(codec):
    return lambda i, k: [[n, v.decode() if v is not None else None] for n, v in headers_for(i, codec)]


# ---- scenarios -----------------------------------------------------------------------------------

def s_create_topic():
    topic = T("create-topic")
    create_topic(topic)
    md = admin.list_topics(topic=topic, timeout=10).topics[topic]
    check_same([0, 1, 2], sorted(md.partitions), "partitions of the new topic")
    # creating it again: TOPIC_ALREADY_EXISTS
    try:
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], operation_timeout=10)[topic].result(timeout=30)
        again = "no error"
    except KafkaException as e:
        again = err_name(e)
    check(again == "TOPIC_ALREADY_EXISTS", "creating the topic again", "TOPIC_ALREADY_EXISTS", again)
    # a topic with an invalid config value
    try:
        admin.create_topics([NewTopic(T("create-topic-bad"), num_partitions=1, replication_factor=1,
                                      config={"cleanup.policy": "nonsense"})], operation_timeout=10)[T("create-topic-bad")].result(timeout=30)
        bad = "no error"
    except KafkaException as e:
        bad = err_name(e)
    check(bad != "no error", "creating a topic with cleanup.policy=nonsense succeeded", "an error", bad)
    # validate_only: nothing is created
    admin.create_topics([NewTopic(T("create-topic-validate"), num_partitions=2, replication_factor=1)],
                        validate_only=True, operation_timeout=10)[T("create-topic-validate")].result(timeout=30)
    time.sleep(0.5)
    validated = T("create-topic-validate") in admin.list_topics(timeout=10).topics
    check(not validated, "validate_only created the topic", False, validated)
    return {"observed": {"partitions": len(md.partitions), "again": again, "badConfig": bad}}


def s_produce(codec):
    def run():
        topic = T("produce-" + codec)
        create_topic(topic)
        sent = msgs(codec, 12)
        produce(topic, sent, {"compression.codec": codec, "enable.idempotence": True}, headers=lambda i: headers_for(i, codec))
        got = read_all(topic, 3, len(sent))
        return {"observed": {"records": verify_records(sent, got, expect_headers(codec))}}
    return run


def s_produce_idempotent():
    topic = T("produce-idempotent")
    create_topic(topic)
    sent = msgs("idem", 200)
    produce(topic, sent, {"enable.idempotence": True, "max.in.flight.requests.per.connection": 5, "linger.ms": 2,
                          "batch.num.messages": 7})
    got = read_all(topic, 3, len(sent))
    return {"observed": {"records": verify_records(sent, got)}}


def s_consume_from_beginning():
    topic = T("consume-from-beginning")
    create_topic(topic)
    sent = msgs("cfb", 20)
    produce(topic, sent, headers=lambda i: headers_for(i, "none"))
    got = read_all(topic, 3, len(sent))
    records = verify_records(sent, got, expect_headers("none"))
    # watermarks and a seek to an absolute offset on one partition
    c = Consumer(dict(COMMON, **{"group.id": T("cfb-reader"), "enable.auto.commit": False}))
    try:
        marks = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in range(3)}
        counts = {p: sum(1 for g in got if g["partition"] == p) for p in range(3)}
        check_same({p: [0, counts[p]] for p in range(3)}, {p: list(marks[p]) for p in range(3)}, "watermarks (low, high) per partition")
        p = max(counts, key=lambda x: counts[x])
        c.assign([TopicPartition(topic, p, 1)])
        first = wait_for(lambda: c.poll(0.5), 10, 0)
        check(first is not None and first.error() is None, "no record after assigning at offset 1", "a record", first and first.error())
        check(first.offset() == 1, "assign at offset 1 returned another offset", 1, first.offset())
    finally:
        c.close()
    return {"observed": {"records": records, "watermarks": {str(k): list(v) for k, v in marks.items()}}}


def group_consumer(group, extra=None):
    state = {"assigned": None}

    def on_assign(c, parts):
        state["assigned"] = sorted(p.partition for p in parts)

    def on_revoke(c, parts):
        state["assigned"] = []

    c = Consumer(dict(COMMON, **{"group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                 "session.timeout.ms": 10000, "heartbeat.interval.ms": 500, "fetch.wait.max.ms": 100,
                                 **(extra or {})}))
    return c, state, on_assign, on_revoke


def s_consume_group():
    topic, group = T("consume-group"), T("consume-group")
    create_topic(topic)
    members = []
    for _ in range(2):
        c, st, oa, orv = group_consumer(group)
        c.subscribe([topic], on_assign=oa, on_revoke=orv)
        members.append((c, st))
    got = {0: [], 1: []}

    def pump(t=0.1):
        for i, (c, _) in enumerate(members):
            m = c.poll(t)
            if m is not None and m.error() is None:
                got[i].append(to_dict(m))
            elif m is not None and m.error().code() != KafkaError._PARTITION_EOF:
                raise KafkaException(m.error())

    try:
        def balanced():
            pump()
            a, b = members[0][1]["assigned"], members[1][1]["assigned"]
            return a and b and sorted(a + b) == [0, 1, 2]
        ok = wait_for(balanced, 45, 0)
        check(ok, "the two members did not share the 3 partitions", "both assigned, together [0,1,2]",
              [members[0][1]["assigned"], members[1][1]["assigned"]])
        sent = msgs("grp", 30)
        produce(topic, sent)
        wait_for(lambda: pump() or len(got[0]) + len(got[1]) >= len(sent), 30, 0)
        until = time.time() + 1
        while time.time() < until:
            pump()
        records = verify_records(sent, got[0] + got[1])
        check(got[0] and got[1], "one member received nothing", "both > 0", [len(got[0]), len(got[1])])
        return {"observed": {"records": records}}
    finally:
        for c, _ in members:
            c.close()


def s_commit_resume():
    topic, group = T("commit-resume"), T("commit-resume")
    create_topic(topic)
    sent = msgs("cr", 24)
    produce(topic, sent)
    c, st, oa, orv = group_consumer(group)
    c.subscribe([topic], on_assign=oa, on_revoke=orv)
    part1 = []
    try:
        wait_for(lambda: (lambda m: m is not None and m.error() is None and part1.append(to_dict(m)))(c.poll(0.2)) or len(part1) >= 10, 45, 0)
        check(len(part1) == 10, "first consumer: expected 10 records", 10, len(part1))
        last = {}
        for g in part1:
            last[g["partition"]] = max(last.get(g["partition"], -1), g["offset"])
        offsets = [TopicPartition(topic, p, o + 1) for p, o in sorted(last.items())]
        c.commit(offsets=offsets, asynchronous=False)
        committed = c.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
        got_committed = {tp.partition: tp.offset for tp in committed}
        want = {p: last.get(p, -1) + 1 if p in last else -1001 for p in range(3)}  # -1001 = OFFSET_INVALID (none)
        check_same(want, got_committed, "committed offsets read back (OffsetFetch)")
    finally:
        c.close()
    c2, st2, oa2, orv2 = group_consumer(group)
    c2.subscribe([topic], on_assign=oa2, on_revoke=orv2)
    part2 = []
    try:
        wait_for(lambda: (lambda m: m is not None and m.error() is None and part2.append(to_dict(m)))(c2.poll(0.2)) or len(part2) >= len(sent) - 10, 45, 0)
        until = time.time() + 1
        while time.time() < until:
            m = c2.poll(0.2)
            if m is not None and m.error() is None:
                part2.append(to_dict(m))
    finally:
        c2.close()
    keys = sorted(g["key"] for g in part1 + part2)
    dups = sorted(set(k for k in keys if keys.count(k) > 1))
    check(not dups, "records consumed twice (the second consumer did not resume after the commit)", [],
          {"duplicates": dups, "second": ["%d:%d" % (g["partition"], g["offset"]) for g in part2]})
    check_same(sorted(k for k, _ in sent), keys, "records lost between the two consumers")
    for p in range(3):
        offs = [g["offset"] for g in part2 if g["partition"] == p]
        if offs:
            check(min(offs) == last.get(p, -1) + 1, "partition %d: resumed at %d" % (p, min(offs)), last.get(p, -1) + 1, min(offs))
    # which partitions the first 10 came from depends on fetch timing: keep the totals only
    return {"observed": {"committedTotal": sum(v for v in got_committed.values() if v >= 0), "first": len(part1), "second": len(part2)}}


def s_describe_topic():
    topic = T("describe-topic")
    create_topic(topic)
    md = admin.list_topics(topic=topic, timeout=10)
    t = md.topics[topic]
    check(t.error is None, "topic error", None, t.error and t.error.name())
    brokers = sorted(md.brokers)
    for p in t.partitions.values():
        check(p.leader in brokers, "partition %d: leader %d is not a listed broker" % (p.id, p.leader), brokers, p.leader)
        check(p.replicas == [p.leader] and p.isrs == [p.leader], "partition %d: replicas/isrs" % p.id,
              [[p.leader], [p.leader]], [p.replicas, p.isrs])
        check(p.error is None, "partition %d error" % p.id, None, p.error and p.error.name())
    check(md.controller_id in brokers, "controller id is not a listed broker", brokers, md.controller_id)
    return {"observed": {"partitions": sorted(t.partitions), "brokers": len(brokers)}}


CONFIG_KEYS = ["cleanup.policy", "retention.ms", "max.message.bytes", "segment.bytes",
               "message.timestamp.type", "compression.type", "retention.bytes"]


def src(e):
    """ConfigEntry.source (an int in 1.7.0) -> its ConfigSource name."""
    try:
        return ConfigSource(e.source).name
    except ValueError:
        return str(e.source)


def describe(res):
    fs = admin.describe_configs([res], request_timeout=20)
    return list(fs.values())[0].result(timeout=30)


def s_describe_configs():
    topic = T("describe-configs")
    create_topic(topic, config={"retention.ms": "3600000"})
    entries = describe(ConfigResource("topic", topic))
    missing = [k for k in CONFIG_KEYS if k not in entries]
    check(not missing, "topic config keys missing", CONFIG_KEYS, sorted(entries))
    e = entries["retention.ms"]
    check(e.value == "3600000", "retention.ms set at creation", "3600000", e.value)
    check(not e.is_default and src(e) == "DYNAMIC_TOPIC_CONFIG", "retention.ms source",
          "DYNAMIC_TOPIC_CONFIG, not default", [src(e), e.is_default])
    d = entries["cleanup.policy"]
    check(d.value == "delete", "cleanup.policy default", "delete", d.value)
    md = admin.list_topics(timeout=10)
    broker_id = str(sorted(md.brokers)[0])
    b = describe(ConfigResource("broker", broker_id))
    check(len(b) > 10, "broker configs", "> 10 entries", len(b))
    return {"observed": {"topic": {k: {"value": entries[k].value, "source": src(entries[k]),
                                       "default": entries[k].is_default, "readOnly": entries[k].is_read_only}
                                   for k in CONFIG_KEYS},
                         "brokerHas": {k: k in b for k in ["log.retention.hours", "num.partitions", "auto.create.topics.enable"]}}}


def s_alter_configs():
    topic = T("alter-configs")
    create_topic(topic, config={"cleanup.policy": "delete"})
    res = ConfigResource("topic", topic, set_config={"retention.ms": "86400000", "max.message.bytes": "2000000"})
    list(admin.alter_configs([res], request_timeout=20).values())[0].result(timeout=30)
    after = wait_for(lambda: (lambda e: e if e["retention.ms"].value == "86400000" else None)(describe(ConfigResource("topic", topic))), 10, 0.3)
    check(after, "retention.ms after alter_configs", "86400000", describe(ConfigResource("topic", topic))["retention.ms"].value)
    check(after["max.message.bytes"].value == "2000000", "max.message.bytes after alter_configs", "2000000", after["max.message.bytes"].value)
    # AlterConfigs replaces the whole set: cleanup.policy is back to its default
    check(after["cleanup.policy"].is_default or src(after["cleanup.policy"]) == "DEFAULT_CONFIG",
          "AlterConfigs (non-incremental) did not reset cleanup.policy to default", "default",
          [after["cleanup.policy"].value, src(after["cleanup.policy"])])
    # an unknown key is rejected
    try:
        list(admin.alter_configs([ConfigResource("topic", topic, set_config={"no.such.config": "1"})], request_timeout=20).values())[0].result(timeout=30)
        bad = "no error"
    except KafkaException as e:
        bad = err_name(e)
    check(bad != "no error", "alter_configs with an unknown key succeeded", "an error", bad)
    return {"observed": {"retention.ms": after["retention.ms"].value, "source": src(after["retention.ms"]),
                         "unknownKey": bad}}


def commit_standalone(group, topic, offsets):
    """Commits offsets for a group from a consumer that does not join it (as offset tools do)."""
    c = Consumer(dict(COMMON, **{"group.id": group, "enable.auto.commit": False}))
    try:
        c.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
        return {tp.partition: tp.offset for tp in c.committed([TopicPartition(topic, p) for p in offsets], timeout=10)}
    finally:
        c.close()


def joined(group, topic):
    c, st, oa, orv = group_consumer(group)
    c.subscribe([topic], on_assign=oa, on_revoke=orv)
    ok = wait_for(lambda: c.poll(0.2) is None and st["assigned"], 30, 0)
    if not ok:
        c.close()
        raise CheckError("consumer in %s got no assignment in 30 s" % group, "assigned", st["assigned"])
    return c


def s_list_groups():
    topic = T("list-groups")
    create_topic(topic)
    active, empty = T("list-groups"), T("list-groups-empty")
    commit_standalone(empty, topic, {0: 1})  # a group with offsets and no members
    c = joined(active, topic)
    try:
        gs = admin.list_groups(timeout=10)
        ids = {g.id: g for g in gs}
        check(active in ids, "active group missing from list_groups", active, sorted(ids))
        check(empty in ids, "group with only committed offsets missing from list_groups", empty, sorted(ids))
        check(all(g.error is None for g in gs), "group errors", None, [str(g.error) for g in gs if g.error])
        return {"observed": {"mine": sorted(k for k in ids if k.startswith(prefix + "-")),
                             "active": [ids[active].state, ids[active].protocol_type],
                             "empty": [ids[empty].state, ids[empty].protocol_type]}}
    finally:
        c.close()


def s_describe_group():
    topic = group = T("describe-group")
    create_topic(topic)
    c = joined(group, topic)
    try:
        def described(state):
            gs = admin.list_groups(group=group, timeout=10)
            return gs[0] if gs and gs[0].state == state else None
        g = wait_for(lambda: described("Stable"), 10, 0.3) or admin.list_groups(group=group, timeout=10)[0]
        check(g.error is None, "describe error", None, str(g.error))
        check(g.state == "Stable", "group state", "Stable", g.state)
        check(g.protocol_type == "consumer", "protocol type", "consumer", g.protocol_type)
        check(len(g.members) == 1, "member count", 1, len(g.members))
        m = g.members[0]
        check(m.client_id == COMMON["client.id"], "member client id", COMMON["client.id"], m.client_id)
        check(topic.encode() in bytes(m.assignment), "member assignment names the topic", topic, bytes(m.assignment).hex())
        check(topic.encode() in bytes(m.metadata), "member metadata names the topic", topic, bytes(m.metadata).hex())
        c.close()
        c = None
        g2 = wait_for(lambda: described("Empty"), 15, 0.3)
        check(g2 is not None, "group state after the member left", "Empty", [x.state for x in admin.list_groups(group=group, timeout=10)])
        none = admin.list_groups(group=T("no-such-group"), timeout=10)
        unknown = [[x.state, x.error and x.error.name()] for x in none]
        return {"observed": {"state": g.state, "protocolType": g.protocol_type, "protocol": g.protocol, "members": len(g.members),
                             "afterLeave": g2.state, "unknownGroup": unknown}}
    finally:
        if c is not None:
            c.close()


def s_reset_offsets():
    # confluent-kafka 1.7 has no AdminClient.alter_consumer_group_offsets (2.0+): commit explicit offsets
    # for the group from a consumer that does not join it, as reset tools do, then join and check.
    topic = group = T("reset-offsets")
    create_topic(topic)
    produce(topic, msgs("ro", 15))
    got = commit_standalone(group, topic, {p: 1 for p in range(3)})
    check_same({p: 1 for p in range(3)}, got, "committed offsets after the reset")
    c2, st, oa, orv = group_consumer(group)
    c2.subscribe([topic], on_assign=oa, on_revoke=orv)
    first = {}
    try:
        def step():
            m = c2.poll(0.2)
            if m is not None and m.error() is None:
                first.setdefault(m.partition(), m.offset())
            return len(first) == 3
        wait_for(step, 30, 0)
    finally:
        c2.close()
    check_same({p: 1 for p in range(3)}, first, "first offset consumed per partition after the reset")
    return {"observed": {"committed": {str(k): v for k, v in got.items()}}}


def s_create_partitions():
    topic = T("create-partitions")
    create_topic(topic)
    list(admin.create_partitions([NewPartitions(topic, 5)], request_timeout=20).values())[0].result(timeout=30)
    ok = wait_for(lambda: topic_ready(topic, 5), 15, 0.3)
    check(ok, "partition count after create_partitions", 5, len(admin.list_topics(topic=topic, timeout=10).topics[topic].partitions))
    try:
        list(admin.create_partitions([NewPartitions(topic, 2)], request_timeout=20).values())[0].result(timeout=30)
        shrink = "no error"
    except KafkaException as e:
        shrink = err_name(e)
    check(shrink == "INVALID_PARTITIONS", "shrinking the partition count", "INVALID_PARTITIONS", shrink)
    return {"observed": {"partitions": 5, "shrink": shrink}}


def s_offsets_for_times():
    topic = T("offsets-for-times")
    create_topic(topic, partitions=1)
    base = int(time.time() * 1000) - 60000
    p = Producer(dict(COMMON, **{"linger.ms": 0}))
    for i in range(6):
        p.produce(topic, key="k%d" % i, value="v%d" % i, timestamp=base + i * 1000)
    check(p.flush(30) == 0, "produce with explicit timestamps", 0, "undelivered")
    c = Consumer(dict(COMMON, **{"group.id": T("oft"), "enable.auto.commit": False}))
    try:
        q = {"before": base - 5000, "exact2": base + 2000, "between": base + 2500, "after": base + 100000}
        got = {}
        for k, ts in q.items():
            r = c.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=10)[0]
            got[k] = r.offset if r.error is None else r.error.name()
        check_same({"before": 0, "exact2": 2, "between": 3, "after": -1}, got, "offsets_for_times")
        # the timestamps survive the round trip
        c.assign([TopicPartition(topic, 0, 0)])
        ts = []
        wait_for(lambda: (lambda m: m is not None and m.error() is None and ts.append(m.timestamp()[1] - base))(c.poll(0.3)) or len(ts) >= 6, 15, 0)
        check_same([i * 1000 for i in range(6)], ts, "record timestamps (relative to the first)")
    finally:
        c.close()
    return {"observed": got}


def s_delete_topic():
    topic = T("delete-topic")
    create_topic(topic)
    admin.delete_topics([topic], operation_timeout=15, request_timeout=20)[topic].result(timeout=30)
    gone = wait_for(lambda: topic not in admin.list_topics(timeout=10).topics, 15, 0.3)
    check(gone, "topic still listed after delete_topics", "absent", "present")
    try:
        admin.delete_topics([topic], operation_timeout=10)[topic].result(timeout=30)
        again = "no error"
    except KafkaException as e:
        again = err_name(e)
    check(again == "UNKNOWN_TOPIC_OR_PART", "deleting it again", "UNKNOWN_TOPIC_OR_PART", again)
    return {"observed": {"again": again}}


# ---- transactions (librdkafka: AddPartitionsToTxn v0, AddOffsetsToTxn v0, EndTxn v0 and
# TxnOffsetCommit v3 with the group's generation; consumers default to isolation.level=read_committed)

def txn_producer(txid):
    p = Producer(dict(COMMON, **{"transactional.id": txid, "linger.ms": 5}))
    p.init_transactions(30)
    return p


def send(p, topic, records, partitions=3):
    """Produces records (key, value) to partitions 0..n-1 in turn, flushes; returns the
    acknowledged "p:o:key" sorted."""
    acks, errors = [], []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err.name())
        else:
            acks.append("%d:%d:%s" % (msg.partition(), msg.offset(), msg.key().decode()))

    for i, (k, v) in enumerate(records):
        p.produce(topic, key=k, value=v, partition=i % partitions, on_delivery=on_delivery)
    left = p.flush(30)
    check(left == 0 and not errors, "delivery of %d records" % len(records), {"undelivered": 0, "errors": []},
          {"undelivered": left, "errors": errors})
    return sorted(acks)


def check_read(topic, want, values, isolation, what):
    """Reads the topic from the beginning with the given isolation.level until every record of
    `want` ("p:o:key", as acknowledged) arrived; checks nothing else arrived and the values."""
    got = read_all(topic, 3, len(want), group=T("reader-" + isolation), extra={"isolation.level": isolation})
    check_same(sorted(want), sorted("%d:%d:%s" % (g["partition"], g["offset"], g["key"]) for g in got), what)
    for g in got:
        check(g["value"] == values[g["key"]], "%s: value of %s" % (what, g["key"]), values[g["key"]], g["value"])
    return sorted(want)


def s_produce_transactional():
    topic = T("produce-transactional")
    create_topic(topic)
    c1, ab, c2 = msgs("commit-1", 12), msgs("aborted", 9), msgs("commit-2", 3)
    values = dict(c1 + ab + c2)
    p = txn_producer(T("produce-transactional"))
    p.begin_transaction()
    want1 = send(p, topic, c1)
    p.commit_transaction(30)
    p.begin_transaction()
    aborted = send(p, topic, ab)
    # a read_committed consumer's watermark query (ListOffsets at read_committed) ends at the LSO:
    # the first record of the open transaction in each partition
    c = Consumer(dict(COMMON, **{"group.id": T("lso"), "isolation.level": "read_committed"}))
    try:
        lso_open = {str(part): c.get_watermark_offsets(TopicPartition(topic, part), timeout=10, cached=False)[1] for part in range(3)}
    finally:
        c.close()
    first_aborted = {}
    for a in aborted:
        part, off, _ = a.split(":", 2)
        first_aborted[part] = min(first_aborted.get(part, int(off)), int(off))
    p.abort_transaction(30)
    p.begin_transaction()
    want2 = send(p, topic, c2)  # one per partition, last: a reader that has them is past the rest
    p.commit_transaction(30)
    check_same(first_aborted, lso_open, "last stable offsets while a transaction is open (its first record per partition)")
    committed = check_read(topic, want1 + want2, values, "read_committed", "read_committed consumer: exactly the committed records")
    check_read(topic, want1 + aborted + want2, values, "read_uncommitted", "read_uncommitted consumer: the aborted records too")
    return {"observed": {"committed": committed, "lsoWhileOpen": lso_open}}


def s_consume_transform_produce():
    src, out = T("consume-transform-produce"), T("consume-transform-produce-out")
    group = T("consume-transform-produce")
    create_topic(src)
    create_topic(out)
    records = msgs("ctp", 30)
    pp = Producer(dict(COMMON, **{"linger.ms": 5}))
    send(pp, src, records)
    p = txn_producer(T("consume-transform-produce"))
    after, values, produced = {}, {}, None
    for run in ("aborted", "committed"):
        c, st, oa, orv = group_consumer(group, {"isolation.level": "read_committed"})
        c.subscribe([src], on_assign=oa, on_revoke=orv)
        got = []
        try:
            wait_for(lambda: (lambda m: m is not None and m.error() is None and got.append(to_dict(m)))(c.poll(0.2)) or len(got) >= len(records), 45, 0)
            check_same(sorted(k for k, _ in records), sorted(g["key"] for g in got), "%s run: records consumed from the input" % run)
            p.begin_transaction()
            transformed = [(g["key"], "%s %s" % (run, g["value"])) for g in got]
            values.update({"%s/%s" % (run, k): v for k, v in transformed})
            acks, errors = [], []

            def on_delivery(err, msg):
                if err is not None:
                    errors.append(err.name())
                else:
                    acks.append("%d:%d:%s" % (msg.partition(), msg.offset(), msg.key().decode()))

            for g, (k, v) in zip(got, transformed):
                p.produce(out, key=k, value=v, partition=g["partition"], on_delivery=on_delivery)
            check(p.flush(30) == 0 and not errors, "%s run: produce to the output" % run, [], errors)
            nxt = {}
            for g in got:
                nxt[g["partition"]] = max(nxt.get(g["partition"], 0), g["offset"] + 1)
            p.send_offsets_to_transaction([TopicPartition(src, part, o) for part, o in sorted(nxt.items())],
                                          c.consumer_group_metadata(), 30)
            if run == "committed":
                p.commit_transaction(30)
                produced = sorted(acks)
            else:
                p.abort_transaction(30)
        finally:
            c.close()
        reader = Consumer(dict(COMMON, **{"group.id": group, "enable.auto.commit": False}))
        try:
            after[run] = {str(tp.partition): tp.offset for tp in reader.committed([TopicPartition(src, part) for part in range(3)], timeout=10)}
        finally:
            reader.close()
    check_same({"0": -1001, "1": -1001, "2": -1001}, after["aborted"], "the group's committed offsets after the aborted run (none: OFFSET_INVALID)")
    check_same({"0": 10, "1": 10, "2": 10}, after["committed"], "the group's committed offsets after the committed run (= what was consumed)")
    # the committed run's records follow the aborted run's in every partition: reading all of them
    # proves that the aborted ones were skipped
    got = read_all(out, 3, len(produced), group=T("ctp-reader"), extra={"isolation.level": "read_committed"})
    check_same(produced, sorted("%d:%d:%s" % (g["partition"], g["offset"], g["key"]) for g in got), "read_committed output: only the committed run")
    for g in got:
        check(g["value"] == values["committed/" + g["key"]], "output value of %s" % g["key"], values["committed/" + g["key"]], g["value"])
    return {"observed": {"committed": after, "output": produced}}


def s_transaction_fencing():
    topic = T("transaction-fencing")
    create_topic(topic)
    fenced_recs, fencer_recs = msgs("fenced", 6), msgs("fencer", 3)
    values = dict(fenced_recs + fencer_recs)
    p1 = txn_producer(T("transaction-fencing"))
    p1.begin_transaction()
    fenced = send(p1, topic, fenced_recs)
    p2 = txn_producer(T("transaction-fencing"))  # InitProducerId for the same id: fences p1, aborts its transaction
    try:
        p1.commit_transaction(30)
        err = "committed"
    except KafkaException as e:
        err = err_name(e)
    check(err != "committed", "the first producer committed after a second one took over its transactional id", "_FENCED", err)
    p2.begin_transaction()
    fencer = send(p2, topic, fencer_recs)
    p2.commit_transaction(30)
    check_read(topic, fencer, values, "read_committed", "read_committed consumer: only the new producer's records")
    check_read(topic, fenced + fencer, values, "read_uncommitted", "read_uncommitted consumer: the fenced records too")
    return {"observed": {"fencedError": err}}


def skip(why):
    def run():
        raise Skip(why)
    return run


SCENARIOS = [
    ("create-topic", s_create_topic),
    *[("produce-" + c, s_produce(c)) for c in ["none", "gzip", "snappy", "lz4", "zstd"]],
    ("produce-idempotent", s_produce_idempotent),
    ("produce-transactional", s_produce_transactional),
    ("consume-transform-produce", s_consume_transform_produce),
    ("transaction-fencing", s_transaction_fencing),
    ("consume-from-beginning", s_consume_from_beginning),
    ("consume-group", s_consume_group),
    ("commit-resume", s_commit_resume),
    ("describe-topic", s_describe_topic),
    ("describe-configs", s_describe_configs),
    ("alter-configs", s_alter_configs),
    ("list-groups", s_list_groups),
    ("describe-group", s_describe_group),
    ("reset-offsets", s_reset_offsets),
    ("delete-records", skip("confluent-kafka-python 1.7.0 has no AdminClient.delete_records (added in 2.4)")),
    ("create-partitions", s_create_partitions),
    ("offsets-for-times", s_offsets_for_times),
    ("delete-topic", s_delete_topic),
]

if len(sys.argv) > 3:
    os.environ["COMPAT_SCENARIO"] = sys.argv[3]
for name, fn in SCENARIOS:
    scenario(name, fn)  # skips what COMPAT_SCENARIO leaves out
sys.exit(0)
