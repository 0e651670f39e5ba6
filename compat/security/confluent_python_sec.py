"""The compat/security core scenario with confluent-kafka-python (Debian python3-confluent-kafka
1.7.0 on librdkafka 2.0.2; run with /usr/bin/python3).

  confluent_python_sec.py --bootstrap HOST:PORT --mode MODE --topic T --group G
      [--steps produce,read,group] [--ca ca.pem] [--cert client.pem --key client.key]
      [--user U --password P] [--scope S]

MODE: scram-sha-512 | scram-sha-256 | plain (SASL_SSL), ssl (client certificate when --cert and
--key are given), oauth (SASL_PLAINTEXT OAUTHBEARER, librdkafka's unsecured JWT for --user and
--scope). One output line per step, as the Go driver (compat/security/go) prints them:
  produce  three records v1 v2 v3 to partition 0, acks=all
  read     every record of partition 0 from the beginning (assign, no commit)
  group    subscribe in group G from the earliest offset, commit synchronously, read the
           committed offset back
A failure is an observation: "<step> failed: <error name> <reason>", exit code 0.
librdkafka < 2.6.1 repeats the client nonce in SCRAM's final message, which Kafka 4.x refuses, so
SCRAM fails there on both brokers: the lines then match as failures.
"""
import argparse
import re
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING

VALUES = ["v1", "v2", "v3"]
DEADLINE = 25

ap = argparse.ArgumentParser()
for name, default in [("bootstrap", None), ("mode", None), ("topic", None), ("group", "secdriver-python"),
                      ("steps", "produce,read,group"), ("ca", None), ("cert", None), ("key", None),
                      ("user", "alice"), ("password", "alice-secret"), ("scope", "kafka")]:
    ap.add_argument("--" + name, default=default, required=default is None and name in ("bootstrap", "mode", "topic"))
a = ap.parse_args()

conf = {"bootstrap.servers": a.bootstrap, "client.id": "secdriver-confluent-python", "log_level": 0,
        "socket.timeout.ms": 10000, "api.version.request": True}
if a.mode == "oauth":
    conf.update({"security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "OAUTHBEARER",
                 "enable.sasl.oauthbearer.unsecure.jwt": True,
                 "sasl.oauthbearer.config": "principal=%s scope=%s" % (a.user, a.scope)})
else:
    conf.update({"security.protocol": "SSL" if a.mode == "ssl" else "SASL_SSL", "ssl.ca.location": a.ca})
    if a.mode != "ssl":
        conf.update({"sasl.mechanisms": a.mode.upper(), "sasl.username": a.user, "sasl.password": a.password})
    if a.cert:
        conf.update({"ssl.certificate.location": a.cert, "ssl.key.location": a.key})

errors = []


def on_error(err):
    # Authentication, TLS and authorization failures of the client as a whole arrive here.
    errors.append(err)


class Failed(Exception):
    pass


def describe(err):
    if isinstance(err, KafkaException):
        err = err.args[0]
    if isinstance(err, KafkaError):
        # librdkafka prefixes the broker ("sasl_ssl://localhost:N/bootstrap: ") and appends
        # "(after Nms in state X)": the reason alone is compared.
        text = re.sub(r"^\S+://\S+: ", "", err.str())
        text = text.split(" (after ")[0]
        return "%s %s" % (err.name(), text)
    return str(err)


def fatal_error():
    # The first error that ends the step: authentication and TLS failures, and errors the broker
    # returned (authorization). Transport errors are retried by librdkafka and are not observations
    # (a step that never completes ends at its deadline instead).
    for e in errors:
        if e.code() in (KafkaError._AUTHENTICATION, KafkaError._SSL) or e.code() >= 0 or e.fatal():
            return e
    return None


def produce():
    p = Producer(dict(conf, error_cb=on_error, **{"message.timeout.ms": DEADLINE * 1000, "acks": "all"}))
    reports = []
    for v in VALUES:
        p.produce(a.topic, v.encode(), partition=0, on_delivery=lambda e, m: reports.append(e))
    end = time.time() + DEADLINE
    while len(reports) < len(VALUES) and not fatal_error() and time.time() < end:
        p.poll(0.1)
    if fatal_error():
        raise Failed(describe(fatal_error()))
    bad = [e for e in reports if e is not None]
    if bad:
        raise Failed(describe(bad[0]))
    if len(reports) < len(VALUES):
        raise Failed("%d of %d delivery reports in %d s" % (len(reports), len(VALUES), DEADLINE))
    return "produced %d records" % len(VALUES)


def consume(c):
    got = []
    end = time.time() + DEADLINE
    while len(got) < len(VALUES) and time.time() < end:
        if fatal_error():
            raise Failed(describe(fatal_error()))
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error() is not None:
            if m.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise Failed(describe(m.error()))
        got.append(m.value().decode())
    if len(got) < len(VALUES):
        raise Failed("%d of %d records in %d s" % (len(got), len(VALUES), DEADLINE))
    return got


def fmt(values):
    return "[" + " ".join(values) + "]"


def read():
    c = Consumer(dict(conf, error_cb=on_error, **{"group.id": a.group + "-read", "enable.auto.commit": False}))
    try:
        c.assign([TopicPartition(a.topic, 0, OFFSET_BEGINNING)])
        return "read from beginning %s" % fmt(consume(c))
    finally:
        c.close()


def group():
    c = Consumer(dict(conf, error_cb=on_error, **{"group.id": a.group, "auto.offset.reset": "earliest",
                                                   "enable.auto.commit": False}))
    try:
        c.subscribe([a.topic])
        got = consume(c)
        c.commit(asynchronous=False)
        tp = c.committed([TopicPartition(a.topic, 0)], timeout=DEADLINE)[0]
        if tp.error is not None:
            raise Failed(describe(tp.error))
        return "group consumed %s, committed offset %d" % (fmt(got), tp.offset)
    finally:
        c.close()


for step in a.steps.split(","):
    del errors[:]
    try:
        print({"produce": produce, "read": read, "group": group}[step]())
    except (Failed, KafkaException) as e:
        print("%s failed: %s" % (step, describe(e) if isinstance(e, KafkaException) else e))
