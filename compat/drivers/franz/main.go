// Drives franz-go (kgo + kadm) through a broker (normally the recording proxy) to exercise the
// APIs it naturally uses. Usage: franz-driver <bootstrap> [topic-prefix]
// Built and run by compat/capture-golden.mjs; exits non-zero on the first failing step.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

var (
	bootstrap string
	topic     string
	group     string
)

func step(s string) { fmt.Fprintf(os.Stderr, "[franz] %s\n", s) }

func must(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "[franz] %s failed: %v\n", what, err)
		os.Exit(1)
	}
}

func client(opts ...kgo.Opt) *kgo.Client {
	base := []kgo.Opt{kgo.SeedBrokers(bootstrap), kgo.ClientID("golden-franz")}
	cl, err := kgo.NewClient(append(base, opts...)...)
	must("new client", err)
	return cl
}

func records(label string, n int) []*kgo.Record {
	rs := make([]*kgo.Record, 0, n)
	for i := 0; i < n; i++ {
		rs = append(rs, &kgo.Record{
			Topic: topic,
			Key:   []byte(fmt.Sprintf("key-%s-%d", label, i)),
			// franz-go sends a batch uncompressed when compressing does not make it smaller: keyed
			// records land one per partition, so each value must compress well on its own
			Value: []byte(fmt.Sprintf("value %s %d %s", label, i, strings.Repeat("x", 300))),
			Headers: []kgo.RecordHeader{
				{Key: "trace-id", Value: []byte(fmt.Sprintf("t-%s-%d", label, i))},
				{Key: "source", Value: []byte("golden")},
			},
		})
	}
	return rs
}

func produce(label string, n int, opts ...kgo.Opt) {
	cl := client(opts...)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	must("produce "+label, cl.ProduceSync(ctx, records(label, n)...).FirstErr())
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: franz-driver <bootstrap> [topic-prefix]")
		os.Exit(2)
	}
	bootstrap = os.Args[1]
	prefix := "golden-franz"
	if len(os.Args) > 2 {
		prefix = os.Args[2]
	}
	topic = prefix + "-topic"
	group = prefix + "-group"
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	acl := client()
	defer acl.Close()
	adm := kadm.NewClient(acl)

	step("create topic")
	_, err := adm.CreateTopics(ctx, 3, 1, nil, topic)
	must("create topics", err)
	_, err = adm.ListTopics(ctx, topic)
	must("list topics", err)
	_, err = adm.BrokerMetadata(ctx)
	must("broker metadata", err)
	_, err = kmsg.NewPtrDescribeClusterRequest().RequestWith(ctx, acl)
	must("describe cluster", err)
	dtp := kmsg.NewPtrDescribeTopicPartitionsRequest()
	t := kmsg.NewDescribeTopicPartitionsRequestTopic()
	t.Topic = topic
	dtp.Topics = append(dtp.Topics, t)
	dtp.ResponsePartitionLimit = 100
	_, err = dtp.RequestWith(ctx, acl)
	must("describe topic partitions", err)

	step("produce with each codec (idempotent by default)")
	for _, c := range []struct {
		name  string
		codec kgo.CompressionCodec
	}{{"none", kgo.NoCompression()}, {"gzip", kgo.GzipCompression()}, {"snappy", kgo.SnappyCompression()}, {"lz4", kgo.Lz4Compression()}, {"zstd", kgo.ZstdCompression()}} {
		produce(c.name, 3, kgo.ProducerBatchCompression(c.codec))
	}
	produce("acks1", 2, kgo.DisableIdempotentWrite(), kgo.RequiredAcks(kgo.LeaderAck()), kgo.ProducerBatchCompression(kgo.NoCompression()))

	step("transaction")
	tcl := client(kgo.TransactionalID(prefix+"-tx"), kgo.ProducerBatchCompression(kgo.NoCompression()))
	must("begin", tcl.BeginTransaction())
	must("txn produce", tcl.ProduceSync(ctx, records("txn-commit", 2)...).FirstErr())
	must("commit", tcl.EndTransaction(ctx, kgo.TryCommit))
	tcl.Close()

	step("consume alone")
	ccl := client(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}), kgo.FetchMaxWait(200*time.Millisecond))
	pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
	ccl.PollFetches(pctx)
	pcancel()
	ccl.Close()

	step("consumer group")
	gcl := client(kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(), kgo.HeartbeatInterval(300*time.Millisecond), kgo.FetchMaxWait(200*time.Millisecond))
	seen := 0
	deadline := time.Now().Add(20 * time.Second)
	for seen < 19 && time.Now().Before(deadline) {
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		fs := gcl.PollFetches(pctx)
		pcancel()
		fs.EachRecord(func(*kgo.Record) { seen++ })
	}
	step(fmt.Sprintf("consumed %d", seen))
	must("commit offsets", gcl.CommitUncommittedOffsets(ctx))
	time.Sleep(1200 * time.Millisecond) // heartbeats
	gcl.Close()                         // LeaveGroup

	step("group admin")
	_, err = adm.ListGroups(ctx)
	must("list groups", err)
	_, err = adm.DescribeGroups(ctx, group)
	must("describe groups", err)
	_, err = adm.FetchOffsets(ctx, group)
	must("fetch offsets", err)
	var commit kadm.Offsets
	commit.AddOffset(topic, 0, 1, -1)
	_, err = adm.CommitOffsets(ctx, group, commit)
	must("commit offsets (admin)", err)
	var ts kadm.TopicsSet
	ts.Add(topic, 0)
	_, err = adm.DeleteOffsets(ctx, group, ts)
	must("delete offsets", err)

	step("offsets")
	_, err = adm.ListStartOffsets(ctx, topic)
	must("list start offsets", err)
	_, err = adm.ListEndOffsets(ctx, topic)
	must("list end offsets", err)
	_, err = adm.ListMaxTimestampOffsets(ctx, topic)
	must("list max timestamp offsets", err)
	_, err = adm.ListOffsetsAfterMilli(ctx, time.Now().Add(-time.Minute).UnixMilli(), topic)
	must("list offsets after milli", err)
	var ofle kadm.OffsetForLeaderEpochRequest
	ofle.Add(topic, 0, 0)
	_, err = adm.OffsetForLeaderEpoch(ctx, ofle)
	must("offset for leader epoch", err)

	step("configs / log dirs / producers")
	_, err = adm.DescribeTopicConfigs(ctx, topic)
	must("describe topic configs", err)
	_, err = adm.DescribeBrokerConfigs(ctx, 1)
	must("describe broker configs", err)
	v := "86400000"
	_, err = adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: &v}}, topic)
	must("incremental alter configs", err)
	_, err = adm.AlterTopicConfigsState(ctx, []kadm.AlterConfig{{Name: "retention.ms", Value: &v}}, topic)
	must("alter configs", err)
	_, err = adm.DescribeAllLogDirs(ctx, ts)
	must("describe log dirs", err)
	_, err = adm.DescribeProducers(ctx, ts)
	must("describe producers", err)

	step("partitions / records / cleanup")
	_, err = adm.CreatePartitions(ctx, 1, topic)
	must("create partitions", err)
	var del kadm.Offsets
	del.AddOffset(topic, 0, 1, -1)
	_, err = adm.DeleteRecords(ctx, del)
	must("delete records", err)
	_, err = adm.DeleteGroups(ctx, group)
	must("delete groups", err)
	_, err = adm.DeleteTopics(ctx, topic)
	must("delete topics", err)
	step("done")
}
