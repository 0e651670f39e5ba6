"""pytest with confluent-kafka against Rivulet's test kit over HTTP (README: "Test your
application against Rivulet"). One Rivulet per module, started as
`npx rivulet --memory --port 0 --admin-port 0` (or `node $RIVULET_CLI ...`), emptied with
POST /reset after each test."""
import json
import os
import subprocess
import time
import urllib.request

import pytest
from confluent_kafka import Consumer, Producer


@pytest.fixture(scope="module")
def rivulet():
    cli = os.environ.get("RIVULET_CLI")
    cmd = ["node", cli] if cli else ["npx", "rivulet"]
    proc = subprocess.Popen(cmd + ["--memory", "--port", "0", "--admin-port", "0", "--log-level", "warn"],
                            stdout=subprocess.PIPE, text=True)
    try:
        # stdout: "Admin: http://127.0.0.1:PORT", then "Rivulet is ready. Bootstrap: 127.0.0.1:PORT"
        admin = bootstrap = None
        for line in proc.stdout:
            if line.startswith("Admin: "):
                admin = line.split()[-1]
            if line.startswith("Rivulet is ready. Bootstrap: "):
                bootstrap = line.split()[-1]
                break
        assert admin and bootstrap, "rivulet exited before it was ready"
        yield {"bootstrap": bootstrap, "admin": admin}
    finally:
        proc.terminate()  # SIGTERM: a graceful stop
        proc.wait(timeout=30)


@pytest.fixture
def kit(rivulet):
    def call(method, path, body=None):
        req = urllib.request.Request(rivulet["admin"] + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req) as res:  # raises HTTPError on 4xx/5xx
            return json.load(res)
    yield call
    call("POST", "/reset")  # no topics, groups, faults or recorded requests


def test_producer_retries_not_enough_replicas(rivulet, kit):
    kit("POST", "/topics", {"name": "orders", "partitions": 1})
    kit("POST", "/faults", {"api": "Produce", "topic": "orders", "error": "NOT_ENOUGH_REPLICAS", "times": 2})

    delivered = []
    producer = Producer({"bootstrap.servers": rivulet["bootstrap"], "retry.backoff.ms": 50})
    producer.produce("orders", key="order-1", value="42.00", on_delivery=lambda err, msg: delivered.append((err, msg.offset())))
    assert producer.flush(30) == 0
    assert delivered == [(None, 0)]

    assert len(kit("GET", "/requests?api=Produce")["requests"]) == 3  # two refused, one appended
    assert kit("GET", "/faults")["faults"] == []                       # used up
    records = kit("GET", "/topics/orders/records")["records"]
    assert [r["value"] for r in records] == ["42.00"]                 # no duplicate


def test_consumer_waits_for_the_coordinator(rivulet, kit):
    kit("POST", "/topics", {"name": "orders", "partitions": 1})
    producer = Producer({"bootstrap.servers": rivulet["bootstrap"]})
    producer.produce("orders", key="order-1", value="42.00")
    assert producer.flush(30) == 0
    kit("POST", "/faults", {"api": "FindCoordinator", "error": "COORDINATOR_NOT_AVAILABLE", "times": 3})

    consumer = Consumer({"bootstrap.servers": rivulet["bootstrap"], "group.id": "billing",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe(["orders"])
    values = []
    deadline = time.monotonic() + 30
    while not values and time.monotonic() < deadline:
        msg = consumer.poll(0.2)
        if msg is not None and msg.error() is None:
            values.append(msg.value().decode())
    consumer.close()

    assert values == ["42.00"]
    assert len(kit("GET", "/requests?api=FindCoordinator")["requests"]) >= 4  # three refused, then found
