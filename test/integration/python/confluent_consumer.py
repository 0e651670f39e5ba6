# A confluent-kafka-python (librdkafka) group consumer: prints "partition offset value" for every
# message, and "ERROR <reason>" for consumer errors, until it is told to stop (SIGTERM). An optional
# fourth argument is a group.instance.id (static membership, "-" for none), an optional fifth the
# partition.assignment.strategy (e.g. cooperative-sticky).
import signal, sys
from confluent_kafka import Consumer

bootstrap, group, topic = sys.argv[1:4]
running = True
def stop(*_):
    global running
    running = False
signal.signal(signal.SIGTERM, stop)
conf = {'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
        'session.timeout.ms': 10000, 'heartbeat.interval.ms': 500}
if len(sys.argv) > 4 and sys.argv[4] != '-':
    conf['group.instance.id'] = sys.argv[4]
if len(sys.argv) > 5:
    conf['partition.assignment.strategy'] = sys.argv[5]
c = Consumer(conf)
c.subscribe([topic])
while running:
    m = c.poll(0.2)
    if m is None:
        continue
    if m.error():
        print('ERROR', m.error().str(), flush=True)
        continue
    print(m.partition(), m.offset(), m.value().decode(), flush=True)
c.close()
