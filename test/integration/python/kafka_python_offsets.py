# kafka-python: produce, commit an offset with metadata outside any group membership
# (assign()), then read it back with a new consumer; prints JSON lines.
import sys, json
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata
b = sys.argv[1]; topic = sys.argv[2]; group = sys.argv[3]
p = KafkaProducer(bootstrap_servers=b)
for i in range(10): p.send(topic, key=b'k', value=b'v%d' % i, partition=0)
p.flush()
c = KafkaConsumer(bootstrap_servers=b, group_id=group, enable_auto_commit=False)
tp = TopicPartition(topic, 0)
c.assign([tp])
c.commit({tp: OffsetAndMetadata(7, 'kafka-python was here')})
c.close()
c2 = KafkaConsumer(bootstrap_servers=b, group_id=group, enable_auto_commit=False)
print(json.dumps({"committed": c2.committed(tp), "version": list(c2.config['api_version'])}))
c2.assign([tp]); c2.seek_to_beginning(tp)
msgs = c2.poll(timeout_ms=5000)
print(json.dumps({"polled": sum(len(v) for v in msgs.values())}))
