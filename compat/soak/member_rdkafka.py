"""One librdkafka member of the consumer-group soak (confluent-kafka-python, Debian's
python3-confluent-kafka on librdkafka 2.0.2; run with /usr/bin/python3).

Usage: member_rdkafka.py <bootstrap> <topic> <group> <strategy> <lifetime-s> <log-file> <member-name>

Consumes until its lifetime ends (or SIGTERM), then closes gracefully (revoke callback, commit,
LeaveGroup). Auto-commit is off: the member commits synchronously every few messages and in its
revoke callback, always librdkafka's own stored offsets (the position after the last message
poll() returned), as an application doing at-least-once processing would.

It logs, one JSON object a line, everything the soak checker needs: each message received
(partition, offset), each commit with the offsets the broker accepted, assignments and
revocations. The checker compares them (compat/soak/check.mjs).
"""
import json
import os
import random
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException

bootstrap, topic, group, strategy, lifetime, log_path, name = sys.argv[1:8]
lifetime = float(lifetime)
# SOAK_NAIVE=1 reproduces a naive member, to show what it does to the verdict: a block-buffered log
# (a member that aborts loses up to 8 KiB of lines) and a close whenever its life ends.
NAIVE = os.environ.get("SOAK_NAIVE") == "1"
out = open(log_path, "a", buffering=-1 if NAIVE else 1)  # line-buffered: a member that aborts keeps its log


def log(ev, **kw):
    kw["e"] = ev
    kw["t"] = time.time() * 1000
    out.write(json.dumps(kw, separators=(",", ":")) + "\n")


stopping = False


def on_term(_sig, _frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)

consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "client.id": name,
    "partition.assignment.strategy": strategy,
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 10000,
    "heartbeat.interval.ms": 1000,
    "max.poll.interval.ms": 60000,
    "log_level": 3,
})


def commit(why):
    """Synchronous commit of the stored offsets; logs what the broker accepted per partition."""
    try:
        parts = consumer.commit(asynchronous=False)
    except KafkaException as e:
        err = e.args[0] if e.args else None
        code = err.name() if isinstance(err, KafkaError) else str(e)
        log("commit", why=why, err=code, offsets=[])
        return
    ok = [[tp.partition, tp.offset] for tp in parts or [] if tp.error is None and tp.offset >= 0]
    bad = [[tp.partition, tp.offset, tp.error.name()] for tp in parts or [] if tp.error is not None]
    log("commit", why=why, offsets=ok, failed=bad)


assigned = False


def on_assign(_c, parts):
    global assigned
    assigned = True
    log("assign", parts=sorted(tp.partition for tp in parts))


def on_revoke(_c, parts):
    # the point of the soak: a synchronous commit before the partitions go to another member
    log("revoke", parts=sorted(tp.partition for tp in parts))
    commit("revoke")


def on_lost(_c, parts):
    log("lost", parts=sorted(tp.partition for tp in parts))


log("start", kind="librdkafka", strategy=strategy, name=name)
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
# librdkafka < 2.3 aborts when a cooperative-sticky consumer is closed before its first assignment
# (rd_kafka_sticky_assignor_state_destroy: Assertion `assignor_state' failed; librdkafka issue
# 4312, fixed by PR 4381 in 2.3.0): so a member's life counts from its first assignment, within a
# hard limit after which it closes anyway.
started = time.time()
every = random.randint(5, 40)
since = 0


def done():
    now = time.time()
    return now > started + lifetime + 60 or ((assigned or NAIVE) and now > started + lifetime)


try:
    while not stopping and not done():
        msg = consumer.poll(0.2)
        if msg is None:
            if since:  # idle: commit what was delivered, so a drained group's commits reach the end
                since = 0
                commit("idle")
            continue
        if msg.error():
            if msg.error().code() != KafkaError._PARTITION_EOF:
                log("error", err=msg.error().name())
            continue
        log("m", p=msg.partition(), o=msg.offset())
        since += 1
        if since >= every:
            since = 0
            commit("periodic")
finally:
    log("closing")
    consumer.close()  # runs on_revoke (commit) and sends LeaveGroup
    log("end")
    out.close()
