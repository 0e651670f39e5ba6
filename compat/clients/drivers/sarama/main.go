// Compat-suite driver for IBM/sarama. Usage: sarama-driver <bootstrap> <prefix>
//
// Runs every scenario three times: with config.Version = sarama.MaxVersion (the newest Kafka
// version sarama knows; request versions are then capped by the broker's ApiVersions) under the
// canonical scenario names; with sarama's default config.Version (sarama.DefaultVersion, 2.8.0)
// under the same names suffixed "-v2.8.0"; and with V2_1_0_0 (the oldest protocol Kafka 4 still
// serves; non-flexible versions of every request) suffixed "-v2.1.0". Topics and groups are
// named "<prefix>-<scenario>". One JSON line per scenario on stdout:
//
//	{"scenario":…,"status":"pass"|"fail"|"skip","message":…,"expected":…,"got":…,"observed":…}
//
// Diagnostics go to stderr. Exit code 0 whenever the driver ran to the end.
//
// Environment: COMPAT_SCENARIO=a,b* runs only those scenarios (full names, suffix included; a
// trailing * matches a prefix); COMPAT_BUDGET_SECONDS bounds the whole run (default 330);
// COMPAT_LOG=debug sends sarama's own log to stderr.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
)

var (
	bootstrap string
	prefix    string
)

const clientID = "compat-sarama"

// ---------------------------------------------------------------------------------------------
// Scenario plumbing

type result struct {
	Scenario string `json:"scenario"`
	Status   string `json:"status"`
	Message  string `json:"message,omitempty"`
	Expected any    `json:"expected,omitempty"`
	Got      any    `json:"got,omitempty"`
	Observed any    `json:"observed,omitempty"`
}

type failure struct {
	msg      string
	expected any
	got      any
}

func (f *failure) Error() string { return f.msg }

func fail(msg string, expected, got any) error { return &failure{msg, expected, got} }

type skipErr struct{ why string }

func (s *skipErr) Error() string { return s.why }

type sc struct {
	name     string
	topic    string
	group    string
	version  sarama.KafkaVersion
	ctx      context.Context
	deadline time.Time
	observed map[string]any
	notes    []string
	closers  []func()
}

func (s *sc) observe(k string, v any) { s.observed[k] = v }
func (s *sc) note(format string, a ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, a...))
}
func (s *sc) logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "[sarama %s] %s\n", s.name, fmt.Sprintf(format, a...))
}
func (s *sc) defer_(f func()) { s.closers = append(s.closers, f) }
func (s *sc) expired() bool   { return time.Now().After(s.deadline) }

type scenario struct {
	name    string
	timeout time.Duration
	fn      func(*sc) error
}

var out = json.NewEncoder(os.Stdout)

func runScenario(sd scenario, version sarama.KafkaVersion) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), sd.timeout)
	defer cancel()
	s := &sc{name: sd.name, topic: prefix + "-" + sd.name, group: prefix + "-" + sd.name, version: version,
		ctx: ctx, deadline: start.Add(sd.timeout), observed: map[string]any{}}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("driver panic: %v\n%s", r, debug.Stack())
			}
		}()
		defer func() {
			for i := len(s.closers) - 1; i >= 0; i-- {
				s.closers[i]()
			}
		}()
		done <- sd.fn(s)
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(sd.timeout + 15*time.Second):
		err = fmt.Errorf("scenario did not finish within %s (hung in a client call)", sd.timeout+15*time.Second)
	}
	r := result{Scenario: sd.name, Status: "pass"}
	if len(s.observed) > 0 {
		r.Observed = s.observed
	}
	var f *failure
	var sk *skipErr
	switch {
	case err == nil:
		r.Message = strings.Join(s.notes, "; ")
	case errors.As(err, &sk):
		r.Status, r.Message = "skip", sk.why
	case errors.As(err, &f):
		r.Status, r.Message, r.Expected, r.Got = "fail", f.msg, f.expected, f.got
	default:
		r.Status, r.Message = "fail", err.Error()
	}
	fmt.Fprintf(os.Stderr, "[sarama] %-34s %s in %.1fs\n", sd.name, r.Status, time.Since(start).Seconds())
	if err := out.Encode(r); err != nil {
		fallback, _ := json.Marshal(result{Scenario: sd.name, Status: r.Status, Message: r.Message + " (observed/expected/got not encodable)"})
		fmt.Println(string(fallback))
	}
}

// ---------------------------------------------------------------------------------------------
// Errors

var errNames = map[int16]string{
	0: "NONE", 1: "OFFSET_OUT_OF_RANGE", 2: "CORRUPT_MESSAGE", 3: "UNKNOWN_TOPIC_OR_PARTITION", 5: "LEADER_NOT_AVAILABLE",
	6: "NOT_LEADER_OR_FOLLOWER", 7: "REQUEST_TIMED_OUT", 10: "MESSAGE_TOO_LARGE", 14: "COORDINATOR_LOAD_IN_PROGRESS",
	15: "COORDINATOR_NOT_AVAILABLE", 16: "NOT_COORDINATOR", 17: "INVALID_TOPIC_EXCEPTION", 22: "ILLEGAL_GENERATION",
	25: "UNKNOWN_MEMBER_ID", 26: "INVALID_SESSION_TIMEOUT", 27: "REBALANCE_IN_PROGRESS", 35: "UNSUPPORTED_VERSION",
	36: "TOPIC_ALREADY_EXISTS", 37: "INVALID_PARTITIONS", 38: "INVALID_REPLICATION_FACTOR", 39: "INVALID_REPLICA_ASSIGNMENT",
	40: "INVALID_CONFIG", 41: "NOT_CONTROLLER", 42: "INVALID_REQUEST", 43: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
	44: "POLICY_VIOLATION", 45: "OUT_OF_ORDER_SEQUENCE_NUMBER", 46: "DUPLICATE_SEQUENCE_NUMBER", 47: "INVALID_PRODUCER_EPOCH",
	67: "KAFKA_STORAGE_ERROR", 68: "NON_EMPTY_GROUP", 69: "GROUP_ID_NOT_FOUND", 76: "UNSUPPORTED_COMPRESSION_TYPE",
	79: "MEMBER_ID_REQUIRED", 86: "GROUP_SUBSCRIBED_TO_TOPIC", 87: "INVALID_RECORD", 100: "UNKNOWN_TOPIC_ID",
	48: "INVALID_TXN_STATE", 49: "INVALID_PRODUCER_ID_MAPPING", 50: "INVALID_TRANSACTION_TIMEOUT",
	51: "CONCURRENT_TRANSACTIONS", 52: "TRANSACTION_COORDINATOR_FENCED", 53: "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
	59: "UNKNOWN_PRODUCER_ID", 90: "PRODUCER_FENCED",
}

func codeName(c int16) string {
	if n, ok := errNames[c]; ok {
		return n
	}
	return fmt.Sprintf("code %d", c)
}

// kcode extracts the Kafka error code from err (0 for nil, false when err is not a Kafka error).
func kcode(err error) (int16, bool) {
	if err == nil {
		return 0, true
	}
	var te *sarama.TopicError
	if errors.As(err, &te) {
		return int16(te.Err), true
	}
	var ae *sarama.AlterConfigError
	if errors.As(err, &ae) {
		return int16(ae.Err), true
	}
	var de *sarama.DescribeConfigError
	if errors.As(err, &de) {
		return int16(de.Err), true
	}
	var tpe *sarama.TopicPartitionError
	if errors.As(err, &tpe) {
		return int16(tpe.Err), true
	}
	var ke sarama.KError
	if errors.As(err, &ke) {
		return int16(ke), true
	}
	return -1, false
}

func errName(err error) string {
	c, ok := kcode(err)
	if !ok {
		return "client: " + err.Error()
	}
	return codeName(c)
}

// ---------------------------------------------------------------------------------------------
// Clients

func baseConfig(v sarama.KafkaVersion) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = v
	c.ClientID = clientID
	c.Net.DialTimeout = 5 * time.Second
	c.Net.ReadTimeout = 15 * time.Second
	c.Net.WriteTimeout = 5 * time.Second
	c.Metadata.Retry.Backoff = 100 * time.Millisecond
	c.Metadata.Retry.Max = 20
	c.Producer.Return.Successes = true
	c.Producer.Retry.Backoff = 100 * time.Millisecond
	c.Producer.Retry.Max = 20
	c.Producer.Flush.Frequency = 20 * time.Millisecond
	c.Consumer.Return.Errors = true
	c.Consumer.MaxWaitTime = 250 * time.Millisecond
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	c.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	c.Consumer.Group.Session.Timeout = 10 * time.Second
	c.Consumer.Group.Rebalance.Retry.Backoff = 200 * time.Millisecond
	c.Admin.Timeout = 10 * time.Second
	return c
}

func newClient(s *sc, cfg *sarama.Config) (sarama.Client, error) {
	if cfg == nil {
		cfg = baseConfig(s.version)
	}
	cl, err := sarama.NewClient([]string{bootstrap}, cfg)
	if err != nil {
		return nil, fmt.Errorf("sarama.NewClient: %w", err)
	}
	s.defer_(func() { cl.Close() })
	return cl, nil
}

func newAdmin(s *sc) (sarama.ClusterAdmin, sarama.Client, error) {
	cl, err := newClient(s, nil)
	if err != nil {
		return nil, nil, err
	}
	adm, err := sarama.NewClusterAdminFromClient(cl)
	if err != nil {
		return nil, nil, fmt.Errorf("NewClusterAdmin: %w", err)
	}
	return adm, cl, nil
}

func waitFor(s *sc, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && !s.expired() {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
}

func createTopic(s *sc, adm sarama.ClusterAdmin, cl sarama.Client, name string, partitions int32, configs map[string]*string) error {
	err := adm.CreateTopic(name, &sarama.TopicDetail{NumPartitions: partitions, ReplicationFactor: 1, ConfigEntries: configs}, false)
	if err != nil {
		return fail("CreateTopic "+name, "NONE", errName(err))
	}
	return waitTopic(s, cl, name, int(partitions))
}

func waitTopic(s *sc, cl sarama.Client, name string, partitions int) error {
	var last string
	ok := waitFor(s, 15*time.Second, func() bool {
		if err := cl.RefreshMetadata(name); err != nil {
			last = err.Error()
			return false
		}
		ps, err := cl.Partitions(name)
		if err != nil || len(ps) != partitions {
			last = fmt.Sprintf("partitions %v err %v", ps, err)
			return false
		}
		for _, p := range ps {
			if _, err := cl.Leader(name, p); err != nil {
				last = err.Error()
				return false
			}
		}
		return true
	})
	if !ok {
		return fmt.Errorf("topic %s not ready with %d partitions: %s", name, partitions, last)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Records

type hdr struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

type rec struct {
	Partition int32   `json:"p"`
	Offset    int64   `json:"o"`
	Key       *string `json:"k"`
	Value     *string `json:"v"`
	Headers   []hdr   `json:"h,omitempty"`
	TsMs      int64   `json:"ts"`
}

func strp(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func encStrp(e sarama.Encoder) *string {
	if e == nil {
		return nil
	}
	b, _ := e.Encode()
	return strp(b)
}

func fromProduced(m *sarama.ProducerMessage) rec {
	r := rec{Partition: m.Partition, Offset: m.Offset, Key: encStrp(m.Key), Value: encStrp(m.Value), TsMs: m.Timestamp.UnixMilli()}
	for _, h := range m.Headers {
		r.Headers = append(r.Headers, hdr{string(h.Key), strp(h.Value)})
	}
	return r
}

func fromConsumed(m *sarama.ConsumerMessage) rec {
	r := rec{Partition: m.Partition, Offset: m.Offset, Key: strp(m.Key), Value: strp(m.Value), TsMs: m.Timestamp.UnixMilli()}
	for _, h := range m.Headers {
		r.Headers = append(r.Headers, hdr{string(h.Key), strp(h.Value)})
	}
	return r
}

func recEqual(a, b rec) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// makeMessages builds n keyed messages with headers (one with a null value), explicit
// timestamps and compressible values; the last is a tombstone when tombstone is set.
func makeMessages(topic, label string, n int, base time.Time, tombstone bool) []*sarama.ProducerMessage {
	ms := make([]*sarama.ProducerMessage, 0, n)
	for i := 0; i < n; i++ {
		m := &sarama.ProducerMessage{
			Topic:     topic,
			Key:       sarama.StringEncoder(fmt.Sprintf("key-%d", i)),
			Value:     sarama.StringEncoder(fmt.Sprintf("%s value %d %s", label, i, strings.Repeat("abcdefgh", 40))),
			Timestamp: base.Add(time.Duration(i) * time.Millisecond),
			Headers: []sarama.RecordHeader{
				{Key: []byte("idx"), Value: []byte(fmt.Sprint(i))},
				{Key: []byte("label"), Value: []byte(label)},
				{Key: []byte("null-header"), Value: nil},
				{Key: []byte("empty-header"), Value: []byte{}},
			},
		}
		if tombstone && i == n-1 {
			m.Value = nil
		}
		ms = append(ms, m)
	}
	return ms
}

func produce(s *sc, cl sarama.Client, ms []*sarama.ProducerMessage) ([]rec, error) {
	p, err := sarama.NewSyncProducerFromClient(cl)
	if err != nil {
		return nil, fmt.Errorf("NewSyncProducer: %w", err)
	}
	defer p.Close()
	if err := p.SendMessages(ms); err != nil {
		var pe sarama.ProducerErrors
		if errors.As(err, &pe) && len(pe) > 0 {
			return nil, fail(fmt.Sprintf("produce failed for %d messages", len(pe)), "NONE", errName(pe[0].Err))
		}
		return nil, fail("produce failed", "NONE", errName(err))
	}
	out := make([]rec, 0, len(ms))
	for _, m := range ms {
		out = append(out, fromProduced(m))
	}
	return out, nil
}

func byPartition(rs []rec) map[int32][]rec {
	m := map[int32][]rec{}
	for _, r := range rs {
		m[r.Partition] = append(m[r.Partition], r)
	}
	return m
}

func counts(rs []rec) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		m[fmt.Sprintf("p%d", r.Partition)]++
	}
	return m
}

func compareRecords(want, got []rec) error {
	w, g := byPartition(want), byPartition(got)
	for p, wl := range w {
		gl := g[p]
		for i, wr := range wl {
			if i >= len(gl) {
				return fail(fmt.Sprintf("partition %d: %d records consumed, %d produced", p, len(gl), len(wl)), wr, nil)
			}
			if !recEqual(wr, gl[i]) {
				return fail(fmt.Sprintf("partition %d: record #%d differs", p, i), wr, gl[i])
			}
		}
		if len(gl) > len(wl) {
			return fail(fmt.Sprintf("partition %d: %d extra records consumed", p, len(gl)-len(wl)), nil, gl[len(wl)])
		}
	}
	for p, gl := range g {
		if _, ok := w[p]; !ok {
			return fail(fmt.Sprintf("partition %d: records consumed from a partition nothing was produced to", p), nil, gl[0])
		}
	}
	return nil
}

func sortByPartition(rs []rec) []rec {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Partition < rs[j].Partition })
	return rs
}

// consume reads partitions from the given offsets with a plain (group-less) consumer until want
// messages arrived (plus a settle period for extras) or the timeout passed.
func consume(s *sc, cfg *sarama.Config, topic string, from map[int32]int64, want int, timeout time.Duration) ([]rec, error) {
	cl, err := newClient(s, cfg)
	if err != nil {
		return nil, err
	}
	c, err := sarama.NewConsumerFromClient(cl)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var mu sync.Mutex
	var got []rec
	var errs []error
	var pcs []sarama.PartitionConsumer
	for p, off := range from {
		pc, err := c.ConsumePartition(topic, p, off)
		if err != nil {
			return nil, fmt.Errorf("ConsumePartition %d at %d: %w", p, off, err)
		}
		pcs = append(pcs, pc)
		go func(pc sarama.PartitionConsumer) {
			for m := range pc.Messages() {
				mu.Lock()
				got = append(got, fromConsumed(m))
				mu.Unlock()
			}
		}(pc)
		go func(pc sarama.PartitionConsumer) {
			for e := range pc.Errors() {
				mu.Lock()
				errs = append(errs, e)
				mu.Unlock()
			}
		}(pc)
	}
	waitFor(s, timeout, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= want })
	time.Sleep(400 * time.Millisecond)
	for _, pc := range pcs {
		pc.AsyncClose()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < want && len(errs) > 0 {
		return got, fmt.Errorf("consumer errors: %v", errs)
	}
	return sortByPartition(append([]rec(nil), got...)), nil
}

func allFromOldest(n int32) map[int32]int64 {
	m := map[int32]int64{}
	for p := int32(0); p < n; p++ {
		m[p] = sarama.OffsetOldest
	}
	return m
}

// fetchCodecs fetches partition p from offset 0 with a raw Fetch v4 and returns the codecs of
// the record batches the broker sent back.
func fetchCodecs(cl sarama.Client, topic string, partitions int32) ([]string, error) {
	seen := map[string]bool{}
	for p := int32(0); p < partitions; p++ {
		b, err := cl.Leader(topic, p)
		if err != nil {
			return nil, err
		}
		req := &sarama.FetchRequest{Version: 4, MaxWaitTime: 100, MinBytes: 1, MaxBytes: 1 << 20}
		req.AddBlock(topic, p, 0, 1<<20, -1)
		resp, err := b.Fetch(req)
		if err != nil {
			return nil, err
		}
		blk := resp.GetBlock(topic, p)
		if blk == nil {
			return nil, fmt.Errorf("no fetch block for partition %d", p)
		}
		if blk.Err != sarama.ErrNoError {
			return nil, blk.Err
		}
		for _, rs := range blk.RecordsSet {
			if rs.RecordBatch != nil {
				seen[rs.RecordBatch.Codec.String()] = true
			}
			if rs.MsgSet != nil {
				seen["legacy-message-set"] = true
			}
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// offsetsOf lists the offset at `at` (OffsetOldest, OffsetNewest or a timestamp) for every
// partition, refreshing metadata and retrying for a few seconds on leadership errors (a topic that
// was just created may not be known to every part of the broker yet).
func offsetsOf(cl sarama.Client, topic string, partitions int32, at int64) (map[string]int64, error) {
	m := map[string]int64{}
	for p := int32(0); p < partitions; p++ {
		var o int64
		var err error
		for try := 0; try < 30; try++ {
			o, err = cl.GetOffset(topic, p, at)
			if err == nil || !(errors.Is(err, sarama.ErrNotLeaderForPartition) || errors.Is(err, sarama.ErrUnknownTopicOrPartition) ||
				errors.Is(err, sarama.ErrLeaderNotAvailable)) {
				break
			}
			time.Sleep(200 * time.Millisecond)
			_ = cl.RefreshMetadata(topic)
		}
		if err != nil {
			return nil, fmt.Errorf("GetOffset(%d, %d): %w", p, at, err)
		}
		m[fmt.Sprintf("p%d", p)] = o
	}
	return m, nil
}

func committed(adm sarama.ClusterAdmin, group, topic string, partitions int32) (map[string]int64, error) {
	ps := []int32{}
	for p := int32(0); p < partitions; p++ {
		ps = append(ps, p)
	}
	r, err := adm.ListConsumerGroupOffsets(group, map[string][]int32{topic: ps})
	if err != nil {
		return nil, err
	}
	if r.Err != sarama.ErrNoError {
		return nil, r.Err
	}
	m := map[string]int64{}
	for p := int32(0); p < partitions; p++ {
		b := r.GetBlock(topic, p)
		if b == nil {
			return nil, fmt.Errorf("OffsetFetch: no block for partition %d", p)
		}
		if b.Err != sarama.ErrNoError {
			return nil, b.Err
		}
		m[fmt.Sprintf("p%d", p)] = b.Offset
	}
	return m, nil
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------------------------
// Scenarios: topics

func scCreateTopic(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := adm.CreateTopic(s.topic, &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1}, false); err != nil {
		return fail("CreateTopic", "NONE", errName(err))
	}
	if err := waitTopic(s, cl, s.topic, 3); err != nil {
		return err
	}
	topics, err := adm.ListTopics()
	if err != nil {
		return fmt.Errorf("ListTopics: %w", err)
	}
	d, ok := topics[s.topic]
	if !ok || d.NumPartitions != 3 || d.ReplicationFactor != 1 {
		return fail("ListTopics detail of the new topic", map[string]any{"partitions": 3, "rf": 1}, map[string]any{"listed": ok, "partitions": d.NumPartitions, "rf": d.ReplicationFactor})
	}
	s.observe("partitions", d.NumPartitions)
	errs := map[string]string{
		"again":              errName(adm.CreateTopic(s.topic, &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1}, false)),
		"invalidName":        errName(adm.CreateTopic(s.topic+"-bad name!", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false)),
		"zeroPartitions":     errName(adm.CreateTopic(s.topic+"-zero", &sarama.TopicDetail{NumPartitions: 0, ReplicationFactor: 1}, false)),
		"replicationFactor3": errName(adm.CreateTopic(s.topic+"-rf3", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 3}, false)),
		"validateOnly":       errName(adm.CreateTopic(s.topic+"-validate", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, true)),
	}
	s.observe("errors", errs)
	want := map[string]string{"again": "TOPIC_ALREADY_EXISTS", "invalidName": "INVALID_TOPIC_EXCEPTION", "zeroPartitions": "INVALID_PARTITIONS",
		"replicationFactor3": "INVALID_REPLICATION_FACTOR", "validateOnly": "NONE"}
	if !mapsEqual(want, errs) {
		return fail("invalid CreateTopics requests answered with unexpected errors", want, errs)
	}
	// validate-only must not create the topic
	md, err := adm.DescribeTopics([]string{s.topic + "-validate"})
	if err != nil {
		return err
	}
	if len(md) != 1 || md[0].Err != sarama.ErrUnknownTopicOrPartition {
		got := "no metadata"
		if len(md) == 1 {
			got = codeName(int16(md[0].Err))
		}
		return fail("a validate-only CreateTopics must not create the topic", "UNKNOWN_TOPIC_OR_PARTITION", got)
	}
	return nil
}

func scDescribeTopic(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	md, err := adm.DescribeTopics([]string{s.topic, s.topic + "-missing"})
	if err != nil {
		return fmt.Errorf("DescribeTopics: %w", err)
	}
	brokers, controller, err := adm.DescribeCluster()
	if err != nil {
		return fmt.Errorf("DescribeCluster: %w", err)
	}
	ids := map[int32]bool{}
	for _, b := range brokers {
		ids[b.ID()] = true
	}
	if !ids[controller] {
		return fail("DescribeCluster: the controller is not a listed broker", "one of the brokers", controller)
	}
	s.observe("brokers", len(brokers))
	byName := map[string]*sarama.TopicMetadata{}
	for _, t := range md {
		byName[t.Name] = t
	}
	t := byName[s.topic]
	if t == nil || t.Err != sarama.ErrNoError || len(t.Partitions) != 3 {
		return fail("DescribeTopics of the new topic", "3 partitions, no error", t)
	}
	type pinfo struct {
		Partition int32  `json:"partition"`
		Replicas  int    `json:"replicas"`
		ISR       int    `json:"isr"`
		Offline   int    `json:"offline"`
		Err       string `json:"error"`
	}
	var parts []pinfo
	for _, p := range t.Partitions {
		if !ids[p.Leader] || len(p.Replicas) != 1 || p.Replicas[0] != p.Leader || len(p.Isr) != 1 || p.Isr[0] != p.Leader {
			return fail(fmt.Sprintf("partition %d: leader/replicas/ISR", p.ID), "leader = the broker = the only replica and ISR",
				map[string]any{"leader": p.Leader, "replicas": p.Replicas, "isr": p.Isr})
		}
		parts = append(parts, pinfo{p.ID, len(p.Replicas), len(p.Isr), len(p.OfflineReplicas), codeName(int16(p.Err))})
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].Partition < parts[j].Partition })
	for i, p := range parts {
		if p.Partition != int32(i) {
			return fail("partition ids", "0,1,2", parts)
		}
	}
	s.observe("partitions", parts)
	s.observe("internal", t.IsInternal)
	unk := byName[s.topic+"-missing"]
	if unk == nil {
		return fail("DescribeTopics: no entry for the unknown topic", "an entry with UNKNOWN_TOPIC_OR_PARTITION", nil)
	}
	s.observe("unknownTopic", codeName(int16(unk.Err)))
	if unk.Err != sarama.ErrUnknownTopicOrPartition {
		return fail("DescribeTopics of an unknown topic", "UNKNOWN_TOPIC_OR_PARTITION", codeName(int16(unk.Err)))
	}
	return nil
}

func scDeleteTopic(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	if _, err := produce(s, cl, makeMessages(s.topic, "before-delete", 6, time.Now(), false)); err != nil {
		return err
	}
	if err := adm.DeleteTopic(s.topic); err != nil {
		return fail("DeleteTopic", "NONE", errName(err))
	}
	var last sarama.KError
	gone := waitFor(s, 5*time.Second, func() bool {
		md, err := adm.DescribeTopics([]string{s.topic})
		if err != nil || len(md) != 1 {
			return false
		}
		last = md[0].Err
		return last == sarama.ErrUnknownTopicOrPartition
	})
	if !gone {
		return fail("topic still in Metadata after DeleteTopics", "UNKNOWN_TOPIC_OR_PARTITION", codeName(int16(last)))
	}
	again := adm.DeleteTopic(s.topic)
	s.observe("deleteAgain", errName(again))
	if c, _ := kcode(again); c != int16(sarama.ErrUnknownTopicOrPartition) {
		return fail("deleting a deleted topic", "UNKNOWN_TOPIC_OR_PARTITION", errName(again))
	}
	var cerr error
	waitFor(s, 10*time.Second, func() bool {
		cerr = adm.CreateTopic(s.topic, &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false)
		c, _ := kcode(cerr)
		return c != int16(sarama.ErrTopicAlreadyExists)
	})
	if cerr != nil {
		return fail("recreating a deleted topic", "NONE", errName(cerr))
	}
	if err := waitTopic(s, cl, s.topic, 2); err != nil {
		return err
	}
	ends, err := offsetsOf(cl, s.topic, 2, sarama.OffsetNewest)
	if err != nil {
		return err
	}
	s.observe("recreatedEndOffsets", ends)
	if !mapsEqual(ends, map[string]int64{"p0": 0, "p1": 0}) {
		return fail("a recreated topic still has the old records", map[string]int64{"p0": 0, "p1": 0}, ends)
	}
	adm.DeleteTopic(s.topic)
	return nil
}

// ---------------------------------------------------------------------------------------------
// Scenarios: produce / consume

func produceScenario(codec sarama.CompressionCodec) func(*sc) error {
	return func(s *sc) error {
		adm, cl, err := newAdmin(s)
		if err != nil {
			return err
		}
		if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
			return err
		}
		cfg := baseConfig(s.version)
		cfg.Producer.Compression = codec
		pcl, err := newClient(s, cfg)
		if err != nil {
			return err
		}
		want, err := produce(s, pcl, makeMessages(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), true))
		if err != nil {
			return err
		}
		s.observe("perPartition", counts(want))
		got, err := consume(s, nil, s.topic, allFromOldest(3), len(want), 20*time.Second)
		if err != nil {
			return err
		}
		if err := compareRecords(sortByPartition(want), got); err != nil {
			return err
		}
		codecs, err := fetchCodecs(cl, s.topic, 3)
		if err != nil {
			s.note("raw fetch for codecs failed: %v", err)
		} else {
			s.observe("codecOnFetch", codecs)
			if len(codecs) != 1 || codecs[0] != codec.String() {
				s.note("batches came back with codec %v (sent %s)", codecs, codec)
			}
		}
		return nil
	}
}

func scProduceIdempotent(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	cfg := baseConfig(s.version)
	cfg.Producer.Idempotent = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Net.MaxOpenRequests = 1
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cfg.Producer.Compression = sarama.CompressionNone
	pcl, err := newClient(s, cfg)
	if err != nil {
		return err
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	var want []rec
	for round := 0; round < 3; round++ {
		got, err := produce(s, pcl, makeMessages(s.topic, fmt.Sprintf("round-%d", round), 5, base.Add(time.Duration(round)*time.Second), false))
		if err != nil {
			return err
		}
		want = append(want, got...)
	}
	var offs []int64
	for i, r := range want {
		offs = append(offs, r.Offset)
		if r.Offset != int64(i) || r.Partition != 0 {
			return fail("idempotent produce: offsets must be contiguous from 0 on partition 0", "0..14", offs)
		}
	}
	s.observe("offsets", offs)
	got, err := consume(s, nil, s.topic, map[int32]int64{0: sarama.OffsetOldest}, len(want), 20*time.Second)
	if err != nil {
		return err
	}
	return compareRecords(want, got)
}

func scConsumeFromBeginning(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	want, err := produce(s, cl, makeMessages(s.topic, s.name, 45, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	// small fetches so that it takes several rounds
	cfg := baseConfig(s.version)
	cfg.Consumer.Fetch.Default = 600
	got, err := consume(s, cfg, s.topic, allFromOldest(3), len(want), 20*time.Second)
	if err != nil {
		return err
	}
	s.observe("perPartition", counts(want))
	return compareRecords(sortByPartition(want), got)
}

// member is one consumer-group member, consuming in the background.
type member struct {
	g        sarama.ConsumerGroup
	topic    string
	mark     func(*sarama.ConsumerMessage) bool
	mu       sync.Mutex
	assigned map[int32]bool
	records  []rec
	errs     []error
	sess     sarama.ConsumerGroupSession
	done     chan struct{}
	closed   bool
	setups   int
}

func (m *member) Setup(sess sarama.ConsumerGroupSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.assigned = map[int32]bool{}
	for _, p := range sess.Claims()[m.topic] {
		m.assigned[p] = true
	}
	m.sess = sess
	m.setups++
	return nil
}

func (m *member) Cleanup(sess sarama.ConsumerGroupSession) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.assigned = map[int32]bool{}
	m.sess = nil
	return nil
}

func (m *member) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for msg := range claim.Messages() {
		m.mu.Lock()
		m.records = append(m.records, fromConsumed(msg))
		m.mu.Unlock()
		if m.mark == nil || m.mark(msg) {
			sess.MarkMessage(msg, "")
		}
	}
	return nil
}

func (m *member) snapshot() (map[int32]bool, []rec, []error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := map[int32]bool{}
	for p := range m.assigned {
		a[p] = true
	}
	return a, append([]rec(nil), m.records...), append([]error(nil), m.errs...)
}

func startMember(s *sc, cfg *sarama.Config, group, topic string, mark func(*sarama.ConsumerMessage) bool) (*member, error) {
	if cfg == nil {
		cfg = baseConfig(s.version)
	}
	g, err := sarama.NewConsumerGroup([]string{bootstrap}, group, cfg)
	if err != nil {
		return nil, fmt.Errorf("NewConsumerGroup: %w", err)
	}
	m := &member{g: g, topic: topic, mark: mark, assigned: map[int32]bool{}, done: make(chan struct{})}
	go func() {
		for e := range g.Errors() {
			m.mu.Lock()
			m.errs = append(m.errs, e)
			m.mu.Unlock()
		}
	}()
	go func() {
		defer close(m.done)
		for {
			err := g.Consume(s.ctx, []string{topic}, m)
			if errors.Is(err, sarama.ErrClosedConsumerGroup) {
				return
			}
			if err != nil {
				m.mu.Lock()
				m.errs = append(m.errs, err)
				m.mu.Unlock()
				time.Sleep(200 * time.Millisecond)
			}
			m.mu.Lock()
			closed := m.closed
			m.mu.Unlock()
			if closed || s.expired() {
				return
			}
		}
	}()
	s.defer_(m.close)
	return m, nil
}

func (m *member) commit() {
	m.mu.Lock()
	sess := m.sess
	m.mu.Unlock()
	if sess != nil {
		sess.Commit()
	}
}

func (m *member) close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	m.mu.Unlock()
	m.g.Close()
	select {
	case <-m.done:
	case <-time.After(15 * time.Second):
	}
}

func partList(a map[int32]bool) []int32 {
	var l []int32
	for p := range a {
		l = append(l, p)
	}
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	return l
}

func scConsumeGroup(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	a, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := a.snapshot(); return len(as) == 3 }) {
		as, _, errs := a.snapshot()
		return fail("the first member should be assigned all 3 partitions", []int32{0, 1, 2}, map[string]any{"assigned": partList(as), "errors": fmt.Sprint(errs)})
	}
	b, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	var asA, asB map[int32]bool
	if !waitFor(s, 30*time.Second, func() bool {
		asA, _, _ = a.snapshot()
		asB, _, _ = b.snapshot()
		if len(asA) == 0 || len(asB) == 0 || len(asA)+len(asB) != 3 {
			return false
		}
		for p := range asA {
			if asB[p] {
				return false
			}
		}
		return true
	}) {
		_, _, ea := a.snapshot()
		_, _, eb := b.snapshot()
		return fail("two members should split the 3 partitions", "disjoint non-empty assignments covering 0..2",
			map[string]any{"a": partList(asA), "b": partList(asB), "errors": fmt.Sprint(ea, eb)})
	}
	want, err := produce(s, cl, makeMessages(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	waitFor(s, 20*time.Second, func() bool {
		_, ra, _ := a.snapshot()
		_, rb, _ := b.snapshot()
		return len(ra)+len(rb) >= len(want)
	})
	time.Sleep(500 * time.Millisecond)
	asA2, ra, ea := a.snapshot()
	asB2, rb, eb := b.snapshot()
	if len(ea)+len(eb) > 0 {
		s.note("group errors: %v %v", ea, eb)
	}
	for _, r := range ra {
		if asB2[r.Partition] {
			return fail("member a consumed a partition assigned to b", partList(asA2), r.Partition)
		}
	}
	for _, r := range rb {
		if asA2[r.Partition] {
			return fail("member b consumed a partition assigned to a", partList(asB2), r.Partition)
		}
	}
	if err := compareRecords(sortByPartition(want), sortByPartition(append(ra, rb...))); err != nil {
		return err
	}
	a.commit()
	b.commit()
	dg, err := adm.DescribeConsumerGroups([]string{s.group})
	if err != nil {
		return err
	}
	if len(dg) != 1 || dg[0].State != "Stable" || len(dg[0].Members) != 2 {
		got := any(dg)
		if len(dg) == 1 {
			got = map[string]any{"state": dg[0].State, "members": len(dg[0].Members), "error": codeName(int16(dg[0].Err))}
		}
		return fail("DescribeGroups with two members", map[string]any{"state": "Stable", "members": 2}, got)
	}
	a.close()
	b.close()
	cm, err := committed(adm, s.group, s.topic, 3)
	if err != nil {
		return fmt.Errorf("OffsetFetch: %w", err)
	}
	ends, err := offsetsOf(cl, s.topic, 3, sarama.OffsetNewest)
	if err != nil {
		return err
	}
	if !mapsEqual(cm, ends) {
		return fail("committed offsets after consuming everything should be the end offsets", ends, cm)
	}
	split := []int{len(asA2), len(asB2)}
	sort.Ints(split)
	s.observe("split", split)
	s.observe("committed", cm)
	s.observe("protocol", dg[0].Protocol)
	return nil
}

func scCommitResume(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	pcfg := baseConfig(s.version)
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	pcl, err := newClient(s, pcfg)
	if err != nil {
		return err
	}
	var ms []*sarama.ProducerMessage
	for p := int32(0); p < 3; p++ {
		for _, m := range makeMessages(s.topic, fmt.Sprintf("p%d", p), 10, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false) {
			m.Partition = p
			ms = append(ms, m)
		}
	}
	want, err := produce(s, pcl, ms)
	if err != nil {
		return err
	}
	cfg := baseConfig(s.version)
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	c1, err := startMember(s, cfg, s.group, s.topic, func(m *sarama.ConsumerMessage) bool { return m.Offset < 4 })
	if err != nil {
		return err
	}
	ok := waitFor(s, 25*time.Second, func() bool {
		_, r, _ := c1.snapshot()
		seen := map[int32]int{}
		for _, x := range r {
			seen[x.Partition]++
		}
		return seen[0] >= 4 && seen[1] >= 4 && seen[2] >= 4
	})
	_, r1, e1 := c1.snapshot()
	if !ok {
		return fail("the first consumer did not receive 4 records from each partition", 12, map[string]any{"received": counts(r1), "errors": fmt.Sprint(e1)})
	}
	c1.commit()
	c1.close()
	var processed []rec
	for _, r := range r1 {
		if r.Offset < 4 {
			processed = append(processed, r)
		}
	}
	cm, err := committed(adm, s.group, s.topic, 3)
	if err != nil {
		return fmt.Errorf("OffsetFetch: %w", err)
	}
	s.observe("committed", cm)
	wantCommitted := map[string]int64{"p0": 4, "p1": 4, "p2": 4}
	if !mapsEqual(cm, wantCommitted) {
		return fail("committed offsets (OffsetFetch)", wantCommitted, cm)
	}
	c2, err := startMember(s, cfg, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	waitFor(s, 25*time.Second, func() bool { _, r, _ := c2.snapshot(); return len(r) >= 18 })
	time.Sleep(500 * time.Millisecond)
	_, r2, e2 := c2.snapshot()
	if len(e2) > 0 {
		s.note("group errors: %v", e2)
	}
	first := map[string]int64{}
	for p, l := range byPartition(sortByPartition(r2)) {
		first[fmt.Sprintf("p%d", p)] = l[0].Offset
	}
	s.observe("resumedAt", first)
	if !mapsEqual(first, wantCommitted) {
		return fail("the second consumer should resume at the committed offsets", wantCommitted, first)
	}
	return compareRecords(sortByPartition(want), sortByPartition(append(processed, r2...)))
}

// ---------------------------------------------------------------------------------------------
// Scenarios: groups admin

type groupInfo struct {
	State        string `json:"state"`
	ProtocolType string `json:"protocolType"`
	Protocol     string `json:"protocol"`
	Members      int    `json:"members"`
	Error        string `json:"error"`
}

func describeGroup(adm sarama.ClusterAdmin, group string) (groupInfo, *sarama.GroupDescription, error) {
	dg, err := adm.DescribeConsumerGroups([]string{group})
	if err != nil {
		return groupInfo{}, nil, err
	}
	if len(dg) != 1 {
		return groupInfo{}, nil, fmt.Errorf("DescribeGroups returned %d groups", len(dg))
	}
	g := dg[0]
	return groupInfo{g.State, g.ProtocolType, g.Protocol, len(g.Members), codeName(int16(g.Err))}, g, nil
}

func listGroupsRaw(cl sarama.Client, version int16, states []string) (*sarama.ListGroupsResponse, error) {
	bs := cl.Brokers()
	if len(bs) == 0 {
		return nil, fmt.Errorf("no brokers")
	}
	b := bs[0]
	_ = b.Open(cl.Config())
	return b.ListGroups(&sarama.ListGroupsRequest{Version: version, StatesFilter: states})
}

func scListGroups(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	m, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := m.snapshot(); return len(as) == 3 }) {
		_, _, errs := m.snapshot()
		return fail("the member never got its assignment", 3, fmt.Sprint(errs))
	}
	groups, err := adm.ListConsumerGroups()
	if err != nil {
		return fmt.Errorf("ListConsumerGroups: %w", err)
	}
	pt, found := groups[s.group]
	obs := map[string]any{"listed": found, "protocolType": pt}
	if !found || pt != "consumer" {
		s.observe("groups", obs)
		return fail("ListGroups should list the active group with protocol type consumer", map[string]any{"listed": true, "protocolType": "consumer"}, obs)
	}
	// with state filters (ListGroups v4+, Kafka 2.6+)
	if s.version.IsAtLeast(sarama.V2_6_0_0) {
		v := int16(4)
		stable, err := listGroupsRaw(cl, v, []string{"Stable"})
		if err != nil {
			return fmt.Errorf("ListGroups v4 Stable: %w", err)
		}
		empty, err := listGroupsRaw(cl, v, []string{"Empty"})
		if err != nil {
			return fmt.Errorf("ListGroups v4 Empty: %w", err)
		}
		_, inStable := stable.Groups[s.group]
		_, inEmpty := empty.Groups[s.group]
		obs["filterStable"] = inStable
		obs["filterEmpty"] = inEmpty
		obs["state"] = stable.GroupsData[s.group].GroupState
		if !inStable || inEmpty || stable.GroupsData[s.group].GroupState != "Stable" {
			s.observe("groups", obs)
			return fail("ListGroups with a state filter", map[string]any{"filterStable": true, "filterEmpty": false, "state": "Stable"}, obs)
		}
	}
	m.commit()
	m.close()
	waitFor(s, 10*time.Second, func() bool {
		gi, _, err := describeGroup(adm, s.group)
		return err == nil && gi.State == "Empty"
	})
	after, err := adm.ListConsumerGroups()
	if err != nil {
		return err
	}
	_, stillListed := after[s.group]
	obs["listedAfterLeave"] = stillListed
	s.observe("groups", obs)
	if !stillListed {
		return fail("a group with committed offsets stays listed after its last member left", true, false)
	}
	return nil
}

func scDescribeGroup(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	m, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := m.snapshot(); return len(as) == 3 }) {
		_, _, errs := m.snapshot()
		return fail("the member never got its assignment", 3, fmt.Sprint(errs))
	}
	var gi groupInfo
	var g *sarama.GroupDescription
	waitFor(s, 10*time.Second, func() bool {
		gi, g, err = describeGroup(adm, s.group)
		return err == nil && gi.State == "Stable"
	})
	if err != nil {
		return err
	}
	s.observe("group", gi)
	want := groupInfo{"Stable", "consumer", "range", 1, "NONE"}
	if gi != want {
		return fail("DescribeGroups of a group with one member", want, gi)
	}
	var mem *sarama.GroupMemberDescription
	for _, x := range g.Members {
		mem = x
	}
	if mem.ClientId != clientID || mem.ClientHost == "" || mem.MemberId == "" {
		return fail("member details", map[string]any{"clientId": clientID, "clientHost": "non-empty", "memberId": "non-empty"},
			map[string]any{"clientId": mem.ClientId, "clientHost": mem.ClientHost, "memberId": mem.MemberId})
	}
	asg, err := mem.GetMemberAssignment()
	if err != nil {
		return fail("the member assignment does not decode", "a ConsumerGroupMemberAssignment", err.Error())
	}
	md, err := mem.GetMemberMetadata()
	if err != nil {
		return fail("the member metadata does not decode", "a ConsumerGroupMemberMetadata", err.Error())
	}
	parts := append([]int32(nil), asg.Topics[s.topic]...)
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	s.observe("assigned", parts)
	if fmt.Sprint(parts) != "[0 1 2]" || len(asg.Topics) != 1 {
		return fail("member assignment decoded from DescribeGroups", map[string][]int32{s.topic: {0, 1, 2}}, asg.Topics)
	}
	if len(md.Topics) != 1 || md.Topics[0] != s.topic {
		return fail("member subscription decoded from DescribeGroups", []string{s.topic}, md.Topics)
	}
	unk, _, err := describeGroup(adm, s.group+"-missing")
	if err != nil {
		return err
	}
	s.observe("unknownGroup", unk)
	return nil
}

func scResetOffsets(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	pcfg := baseConfig(s.version)
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	pcl, err := newClient(s, pcfg)
	if err != nil {
		return err
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var ms []*sarama.ProducerMessage
	for p := int32(0); p < 3; p++ {
		for i, m := range makeMessages(s.topic, fmt.Sprintf("p%d", p), 10, base, false) {
			m.Partition = p
			m.Timestamp = base.Add(time.Duration(i) * time.Second)
			ms = append(ms, m)
		}
	}
	all, err := produce(s, pcl, ms)
	if err != nil {
		return err
	}
	// the OffsetManager is sarama's way to commit offsets outside a running group
	om, err := sarama.NewOffsetManagerFromClient(s.group, cl)
	if err != nil {
		return err
	}
	defer om.Close()
	poms := map[int32]sarama.PartitionOffsetManager{}
	for p := int32(0); p < 3; p++ {
		pom, err := om.ManagePartition(s.topic, p)
		if err != nil {
			return fmt.Errorf("ManagePartition %d: %w", p, err)
		}
		defer pom.AsyncClose()
		poms[p] = pom
	}
	steps := map[string]map[string]int64{}
	step := func(name string, at int64) error {
		target, err := offsetsOf(cl, s.topic, 3, at)
		if err != nil {
			return err
		}
		for p, pom := range poms {
			o := target[fmt.Sprintf("p%d", p)]
			pom.ResetOffset(o, "")
			pom.MarkOffset(o, "")
		}
		om.Commit()
		for p, pom := range poms {
			select {
			case e := <-pom.Errors():
				return fmt.Errorf("%s: partition %d: %w", name, p, e)
			default:
			}
		}
		cm, err := committed(adm, s.group, s.topic, 3)
		if err != nil {
			return fmt.Errorf("%s: OffsetFetch: %w", name, err)
		}
		steps[name] = cm
		if !mapsEqual(cm, target) {
			return fail(name+": committed offsets read back (OffsetFetch)", target, cm)
		}
		return nil
	}
	if err := step("toLatest", sarama.OffsetNewest); err != nil {
		return err
	}
	if err := step("toEarliest", sarama.OffsetOldest); err != nil {
		return err
	}
	if err := step("toTimestamp", base.Add(4500*time.Millisecond).UnixMilli()); err != nil {
		return err
	}
	s.observe("steps", steps)
	if !mapsEqual(steps["toTimestamp"], map[string]int64{"p0": 5, "p1": 5, "p2": 5}) {
		return fail("offsets for timestamp base+4.5s", map[string]int64{"p0": 5, "p1": 5, "p2": 5}, steps["toTimestamp"])
	}
	for _, pom := range poms {
		pom.AsyncClose()
	}
	om.Close()
	m, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	waitFor(s, 20*time.Second, func() bool { _, r, _ := m.snapshot(); return len(r) >= 15 })
	time.Sleep(300 * time.Millisecond)
	_, got, errs := m.snapshot()
	if len(errs) > 0 {
		s.note("group errors: %v", errs)
	}
	var want []rec
	for _, r := range all {
		if r.Offset >= 5 {
			want = append(want, r)
		}
	}
	return compareRecords(sortByPartition(want), sortByPartition(got))
}

// ---------------------------------------------------------------------------------------------
// Scenarios: configs

type cfgInfo struct {
	Value     string `json:"value"`
	Source    string `json:"source"`
	Default   bool   `json:"default"`
	ReadOnly  bool   `json:"readOnly"`
	Sensitive bool   `json:"sensitive"`
}

func describeConfigs(adm sarama.ClusterAdmin, typ sarama.ConfigResourceType, name string, keys ...string) (map[string]cfgInfo, error) {
	es, err := adm.DescribeConfig(sarama.ConfigResource{Type: typ, Name: name, ConfigNames: keys})
	if err != nil {
		return nil, err
	}
	m := map[string]cfgInfo{}
	for _, e := range es {
		m[e.Name] = cfgInfo{e.Value, e.Source.String(), e.Default, e.ReadOnly, e.Sensitive}
	}
	return m, nil
}

func cfgVal(m map[string]cfgInfo, k string) string {
	if c, ok := m[k]; ok {
		return c.Value + " (" + c.Source + ")"
	}
	return "(missing)"
}

var watchedConfigs = []string{"cleanup.policy", "retention.ms", "retention.bytes", "max.message.bytes",
	"segment.bytes", "compression.type", "min.insync.replicas", "message.timestamp.type"}

func scDescribeConfigs(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	ret := "3600000"
	if err := createTopic(s, adm, cl, s.topic, 3, map[string]*string{"retention.ms": &ret}); err != nil {
		return err
	}
	m, err := describeConfigs(adm, sarama.TopicResource, s.topic)
	if err != nil {
		return fail("DescribeConfigs of a topic", "NONE", errName(err))
	}
	picked := map[string]cfgInfo{}
	for _, k := range watchedConfigs {
		if c, ok := m[k]; ok {
			picked[k] = c
		} else {
			picked[k] = cfgInfo{Source: "(missing)"}
		}
	}
	s.observe("configs", picked)
	s.observe("count", len(m))
	want := map[string]string{"retention.ms": "3600000 (Topic)", "cleanup.policy": "delete (Default)", "compression.type": "producer (Default)"}
	got := map[string]string{}
	for k := range want {
		got[k] = cfgVal(m, k)
	}
	if !mapsEqual(want, got) {
		return fail("DescribeConfigs values and sources", want, got)
	}
	if c := m["retention.ms"]; c.Default {
		return fail("retention.ms set at creation must not be flagged default", false, true)
	}
	named, err := describeConfigs(adm, sarama.TopicResource, s.topic, "retention.ms", "cleanup.policy")
	if err != nil {
		return err
	}
	var names []string
	for k := range named {
		names = append(names, k)
	}
	sort.Strings(names)
	s.observe("onlyNamed", names)
	if fmt.Sprint(names) != "[cleanup.policy retention.ms]" {
		return fail("DescribeConfigs with two config names", []string{"cleanup.policy", "retention.ms"}, names)
	}
	// the broker's own configs
	_, controller, err := adm.DescribeCluster()
	if err != nil {
		return err
	}
	bm, err := describeConfigs(adm, sarama.BrokerResource, fmt.Sprint(controller), "log.retention.hours", "message.max.bytes")
	if err != nil {
		return fail("DescribeConfigs of the broker", "NONE", errName(err))
	}
	s.observe("broker", bm)
	_, err = describeConfigs(adm, sarama.TopicResource, s.topic+"-missing")
	s.observe("unknownTopic", errName(err))
	return nil
}

func scAlterConfigs(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	sv := func(v string) *string { return &v }
	// Kafka applies config changes through its metadata log: allow them a moment to show up
	check := func(step string, want map[string]string) error {
		var got map[string]string
		var err error
		waitFor(s, 5*time.Second, func() bool {
			var m map[string]cfgInfo
			if m, err = describeConfigs(adm, sarama.TopicResource, s.topic); err != nil {
				return false
			}
			got = map[string]string{}
			for k := range want {
				got[k] = cfgVal(m, k)
			}
			return mapsEqual(want, got)
		})
		if err != nil {
			return err
		}
		if !mapsEqual(want, got) {
			return fail(step+": configs read back", want, got)
		}
		return nil
	}
	if !s.version.IsAtLeast(sarama.V2_3_0_0) {
		// IncrementalAlterConfigs needs Kafka 2.3: only the legacy AlterConfigs (whole state)
		if err := adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"retention.ms": sv("86400000"), "max.message.bytes": sv("2000000")}, false); err != nil {
			return fail("AlterConfigs", "NONE", errName(err))
		}
		if err := check("after AlterConfigs", map[string]string{"retention.ms": "86400000 (Topic)", "max.message.bytes": "2000000 (Topic)"}); err != nil {
			return err
		}
		if err := adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"segment.ms": sv("3600000")}, false); err != nil {
			return fail("AlterConfigs (replacing the whole state)", "NONE", errName(err))
		}
		if err := check("after the second AlterConfigs", map[string]string{"segment.ms": "3600000 (Topic)", "retention.ms": "604800000 (Default)", "max.message.bytes": "1048588 (Default)"}); err != nil {
			return err
		}
		errs := map[string]string{
			"legacyUnknown": errName(adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"no.such.config": sv("1")}, false)),
			"legacyInvalid": errName(adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"retention.ms": sv("soon")}, false)),
			"validateOnly":  errName(adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"retention.ms": sv("1234")}, true)),
		}
		s.observe("errors", errs)
		if err := check("after refused/validate-only changes", map[string]string{"segment.ms": "3600000 (Topic)", "retention.ms": "604800000 (Default)"}); err != nil {
			return err
		}
		want := map[string]string{"legacyUnknown": "INVALID_CONFIG", "legacyInvalid": "INVALID_CONFIG", "validateOnly": "NONE"}
		if !mapsEqual(want, errs) {
			return fail("refused config changes", want, errs)
		}
		return nil
	}
	set := sarama.IncrementalAlterConfigsOperationSet
	if err := adm.IncrementalAlterConfig(sarama.TopicResource, s.topic, map[string]sarama.IncrementalAlterConfigsEntry{
		"retention.ms":      {Operation: set, Value: sv("86400000")},
		"max.message.bytes": {Operation: set, Value: sv("2000000")},
	}, false); err != nil {
		return fail("IncrementalAlterConfigs SET", "NONE", errName(err))
	}
	if err := check("after incremental set", map[string]string{"retention.ms": "86400000 (Topic)", "max.message.bytes": "2000000 (Topic)"}); err != nil {
		return err
	}
	if err := adm.IncrementalAlterConfig(sarama.TopicResource, s.topic, map[string]sarama.IncrementalAlterConfigsEntry{
		"retention.ms": {Operation: sarama.IncrementalAlterConfigsOperationDelete},
	}, false); err != nil {
		return fail("IncrementalAlterConfigs DELETE", "NONE", errName(err))
	}
	if err := check("after incremental delete", map[string]string{"retention.ms": "604800000 (Default)", "max.message.bytes": "2000000 (Topic)"}); err != nil {
		return err
	}
	if err := adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"segment.ms": sv("3600000")}, false); err != nil {
		return fail("AlterConfigs (legacy, whole state)", "NONE", errName(err))
	}
	if err := check("after legacy AlterConfigs", map[string]string{"segment.ms": "3600000 (Topic)", "max.message.bytes": "1048588 (Default)"}); err != nil {
		return err
	}
	errs := map[string]string{
		"unknownName":   errName(adm.IncrementalAlterConfig(sarama.TopicResource, s.topic, map[string]sarama.IncrementalAlterConfigsEntry{"no.such.config": {Operation: set, Value: sv("1")}}, false)),
		"invalidValue":  errName(adm.IncrementalAlterConfig(sarama.TopicResource, s.topic, map[string]sarama.IncrementalAlterConfigsEntry{"retention.ms": {Operation: set, Value: sv("soon")}}, false)),
		"validateOnly":  errName(adm.IncrementalAlterConfig(sarama.TopicResource, s.topic, map[string]sarama.IncrementalAlterConfigsEntry{"retention.ms": {Operation: set, Value: sv("1234")}}, true)),
		"legacyUnknown": errName(adm.AlterConfig(sarama.TopicResource, s.topic, map[string]*string{"no.such.config": sv("1")}, false)),
	}
	s.observe("errors", errs)
	if err := check("after validate-only", map[string]string{"retention.ms": "604800000 (Default)", "segment.ms": "3600000 (Topic)"}); err != nil {
		return err
	}
	want := map[string]string{"unknownName": "INVALID_CONFIG", "invalidValue": "INVALID_CONFIG", "validateOnly": "NONE", "legacyUnknown": "INVALID_CONFIG"}
	if !mapsEqual(want, errs) {
		return fail("refused config changes", want, errs)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Scenarios: offsets and records

func scListOffsets(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 1, nil); err != nil {
		return err
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	ms := makeMessages(s.topic, s.name, 10, base, false)
	for i, m := range ms {
		m.Timestamp = base.Add(time.Duration(i) * time.Second)
	}
	ms[7].Timestamp = base.Add(20 * time.Second)
	if _, err := produce(s, cl, ms); err != nil {
		return err
	}
	got := map[string]int64{}
	for name, at := range map[string]int64{
		"earliest": sarama.OffsetOldest, "latest": sarama.OffsetNewest,
		"at+2.5s": base.Add(2500 * time.Millisecond).UnixMilli(), "at+3s": base.Add(3 * time.Second).UnixMilli(),
		"before": base.Add(-time.Hour).UnixMilli(), "after": base.Add(time.Hour).UnixMilli(),
	} {
		o, err := cl.GetOffset(s.topic, 0, at)
		if err != nil {
			return fmt.Errorf("GetOffset %s: %w", name, err)
		}
		got[name] = o
	}
	s.observe("offsets", got)
	want := map[string]int64{"earliest": 0, "latest": 10, "at+2.5s": 3, "at+3s": 3, "before": 0, "after": -1}
	if !mapsEqual(want, got) {
		return fail("ListOffsets", want, got)
	}
	return nil
}

func scDeleteRecords(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 2, nil); err != nil {
		return err
	}
	pcfg := baseConfig(s.version)
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	pcl, err := newClient(s, pcfg)
	if err != nil {
		return err
	}
	all, err := produce(s, pcl, makeMessages(s.topic, s.name, 10, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	if err := adm.DeleteRecords(s.topic, map[int32]int64{0: 4}); err != nil {
		return fail("DeleteRecords up to offset 4", "NONE", errName(err))
	}
	starts, err := offsetsOf(cl, s.topic, 2, sarama.OffsetOldest)
	if err != nil {
		return err
	}
	s.observe("startOffsets", starts)
	if !mapsEqual(starts, map[string]int64{"p0": 4, "p1": 0}) {
		return fail("ListOffsets earliest after DeleteRecords", map[string]int64{"p0": 4, "p1": 0}, starts)
	}
	beyond := adm.DeleteRecords(s.topic, map[int32]int64{0: 50})
	s.observe("beyondHighWatermark", errName(beyond))
	if c, _ := kcode(beyond); c != int16(sarama.ErrOffsetOutOfRange) {
		return fail("DeleteRecords beyond the high watermark", "OFFSET_OUT_OF_RANGE", errName(beyond))
	}
	got, err := consume(s, nil, s.topic, map[int32]int64{0: sarama.OffsetOldest}, 6, 15*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(all[4:], got); err != nil {
		return err
	}
	// consuming below the log start offset
	ccl, err := newClient(s, nil)
	if err != nil {
		return err
	}
	c, err := sarama.NewConsumerFromClient(ccl)
	if err != nil {
		return err
	}
	defer c.Close()
	pc, perr := c.ConsumePartition(s.topic, 0, 1)
	if pc != nil {
		pc.AsyncClose()
	}
	s.observe("consumeBelowStart", errName(perr))
	if c, _ := kcode(perr); c != int16(sarama.ErrOffsetOutOfRange) {
		return fail("ConsumePartition at offset 1 after deleting up to 4", "OFFSET_OUT_OF_RANGE", errName(perr))
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Extra scenarios

func scCreatePartitions(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 2, nil); err != nil {
		return err
	}
	if err := adm.CreatePartitions(s.topic, 5, nil, false); err != nil {
		return fail("CreatePartitions to 5", "NONE", errName(err))
	}
	if err := waitTopic(s, cl, s.topic, 5); err != nil {
		return err
	}
	errs := map[string]string{
		"shrink":       errName(adm.CreatePartitions(s.topic, 4, nil, false)),
		"sameCount":    errName(adm.CreatePartitions(s.topic, 5, nil, false)),
		"unknownTopic": errName(adm.CreatePartitions(s.topic+"-missing", 3, nil, false)),
	}
	s.observe("errors", errs)
	want := map[string]string{"shrink": "INVALID_PARTITIONS", "sameCount": "INVALID_PARTITIONS", "unknownTopic": "UNKNOWN_TOPIC_OR_PARTITION"}
	if !mapsEqual(want, errs) {
		return fail("refused CreatePartitions requests", want, errs)
	}
	pcfg := baseConfig(s.version)
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	pcl, err := newClient(s, pcfg)
	if err != nil {
		return err
	}
	ms := makeMessages(s.topic, s.name, 5, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)
	for i, m := range ms {
		m.Partition = int32(i)
	}
	want2, err := produce(s, pcl, ms)
	if err != nil {
		return err
	}
	got, err := consume(s, nil, s.topic, allFromOldest(5), 5, 15*time.Second)
	if err != nil {
		return err
	}
	return compareRecords(want2, got)
}

func scDeleteGroup(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 2, nil); err != nil {
		return err
	}
	if _, err := produce(s, cl, makeMessages(s.topic, s.name, 6, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)); err != nil {
		return err
	}
	m, err := startMember(s, nil, s.group, s.topic, nil)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { _, r, _ := m.snapshot(); return len(r) >= 6 }) {
		_, r, errs := m.snapshot()
		return fail("the member should consume the 6 records", 6, map[string]any{"records": len(r), "errors": fmt.Sprint(errs)})
	}
	m.commit()
	errs := map[string]string{}
	if s.version.IsAtLeast(sarama.V2_4_0_0) {
		errs["offsetDeleteActive"] = errName(adm.DeleteConsumerGroupOffset(s.group, s.topic, 0))
	}
	errs["deleteActive"] = errName(adm.DeleteConsumerGroup(s.group))
	m.close()
	waitFor(s, 10*time.Second, func() bool { gi, _, err := describeGroup(adm, s.group); return err == nil && gi.State == "Empty" })
	if s.version.IsAtLeast(sarama.V2_4_0_0) {
		errs["offsetDeleteEmpty"] = errName(adm.DeleteConsumerGroupOffset(s.group, s.topic, 0))
		cm, err := adm.ListConsumerGroupOffsets(s.group, map[string][]int32{s.topic: {0, 1}})
		if err != nil {
			return err
		}
		left := map[string]int64{}
		for p := int32(0); p < 2; p++ {
			if b := cm.GetBlock(s.topic, p); b != nil {
				left[fmt.Sprintf("p%d", p)] = b.Offset
			}
		}
		s.observe("committedAfterOffsetDelete", left)
		if left["p0"] != -1 || left["p1"] <= 0 {
			return fail("offsets after OffsetDelete of partition 0 (p0 gone, p1 kept)", map[string]string{"p0": "-1", "p1": "> 0"}, left)
		}
	}
	errs["deleteEmpty"] = errName(adm.DeleteConsumerGroup(s.group))
	errs["deleteAgain"] = errName(adm.DeleteConsumerGroup(s.group))
	groups, err := adm.ListConsumerGroups()
	if err != nil {
		return err
	}
	_, listed := groups[s.group]
	s.observe("errors", errs)
	s.observe("listedAfterDelete", listed)
	want := map[string]string{"deleteActive": "NON_EMPTY_GROUP", "deleteEmpty": "NONE", "deleteAgain": "GROUP_ID_NOT_FOUND"}
	if s.version.IsAtLeast(sarama.V2_4_0_0) {
		want["offsetDeleteActive"] = "GROUP_SUBSCRIBED_TO_TOPIC"
		want["offsetDeleteEmpty"] = "NONE"
	}
	if !mapsEqual(want, errs) {
		return fail("DeleteGroups / OffsetDelete results", want, errs)
	}
	if listed {
		return fail("a deleted group is still listed", false, true)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Scenarios: transactions (SyncProducer with Producer.Transaction.ID; consumers with
// Consumer.IsolationLevel). Sarama picks AddPartitionsToTxn/AddOffsetsToTxn/EndTxn/TxnOffsetCommit
// versions from config.Version (v3 at 2.8+, v1 at 2.1) and always runs transactions v1.

// txnProducer is a transactional SyncProducer on its own client (InitProducerId runs now).
func txnProducer(s *sc, id string) (sarama.SyncProducer, error) {
	cfg := baseConfig(s.version)
	cfg.Producer.Idempotent = true
	cfg.Producer.Transaction.ID = id
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Net.MaxOpenRequests = 1
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cl, err := newClient(s, cfg)
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewSyncProducerFromClient(cl)
	if err != nil {
		return nil, fmt.Errorf("NewSyncProducer (transactional): %w", err)
	}
	s.defer_(func() { p.Close() })
	return p, nil
}

// inPartitions spreads messages over partitions 0..n-1 in turn (for the manual partitioner).
func inPartitions(ms []*sarama.ProducerMessage, n int32) []*sarama.ProducerMessage {
	for i, m := range ms {
		m.Partition = int32(i) % n
	}
	return ms
}

func sendAll(p sarama.SyncProducer, ms []*sarama.ProducerMessage) ([]rec, error) {
	if err := p.SendMessages(ms); err != nil {
		var pe sarama.ProducerErrors
		if errors.As(err, &pe) && len(pe) > 0 {
			return nil, fail(fmt.Sprintf("transactional produce failed for %d messages", len(pe)), "NONE", errName(pe[0].Err))
		}
		return nil, fail("transactional produce failed", "NONE", errName(err))
	}
	out := make([]rec, 0, len(ms))
	for _, m := range ms {
		out = append(out, fromProduced(m))
	}
	return out, nil
}

// transact runs one transaction: begin, send, during() while it is open, commit or abort.
func transact(p sarama.SyncProducer, ms []*sarama.ProducerMessage, commit bool, during func() error) ([]rec, error) {
	if err := p.BeginTxn(); err != nil {
		return nil, fail("BeginTxn", "NONE", errName(err))
	}
	got, err := sendAll(p, ms)
	if err == nil && during != nil {
		err = during()
	}
	if err != nil {
		_ = p.AbortTxn()
		return nil, err
	}
	end, what := p.AbortTxn, "AbortTxn"
	if commit {
		end, what = p.CommitTxn, "CommitTxn"
	}
	if err := end(); err != nil {
		return nil, fail(what, "NONE", errName(err))
	}
	return got, nil
}

// lastStableOffsets lists the latest offsets at read_committed (ListOffsets v2+ isolation level).
func lastStableOffsets(s *sc, cl sarama.Client, topic string, partitions int32) (map[string]int64, error) {
	m := map[string]int64{}
	for p := int32(0); p < partitions; p++ {
		b, err := cl.Leader(topic, p)
		if err != nil {
			return nil, err
		}
		req := sarama.NewOffsetRequest(s.version)
		req.IsolationLevel = sarama.ReadCommitted
		req.AddBlock(topic, p, sarama.OffsetNewest, 1)
		resp, err := b.GetAvailableOffsets(req)
		if err != nil {
			return nil, err
		}
		blk := resp.GetBlock(topic, p)
		if blk == nil || blk.Err != sarama.ErrNoError {
			return nil, fmt.Errorf("ListOffsets read_committed partition %d: %v", p, blk)
		}
		off := blk.Offset
		if len(blk.Offsets) > 0 {
			off = blk.Offsets[0]
		}
		m[fmt.Sprintf("p%d", p)] = off
	}
	return m, nil
}

func readCommittedConfig(s *sc) *sarama.Config {
	cfg := baseConfig(s.version)
	cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	return cfg
}

func concatRecs(ls ...[]rec) []rec {
	var out []rec
	for _, l := range ls {
		out = append(out, l...)
	}
	return out
}

// scProduceTransactional: commit 12, abort 9, commit 3 (one per partition, last: a reader that
// has them is past everything before). read_committed reads the 15 committed records at their
// offsets, read_uncommitted all 24; while the second transaction is open the last stable offset
// of each partition is its first record.
func scProduceTransactional(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	p, err := txnProducer(s, s.topic)
	if err != nil {
		return err
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	c1, err := transact(p, inPartitions(makeMessages(s.topic, "commit-1", 12, base, false), 3), true, nil)
	if err != nil {
		return err
	}
	var lsoOpen map[string]int64
	ab, err := transact(p, inPartitions(makeMessages(s.topic, "aborted", 9, base.Add(time.Second), false), 3), false, func() (err error) {
		lsoOpen, err = lastStableOffsets(s, cl, s.topic, 3)
		return err
	})
	if err != nil {
		return err
	}
	firstAborted := map[string]int64{}
	for _, r := range ab {
		if _, ok := firstAborted[fmt.Sprintf("p%d", r.Partition)]; !ok {
			firstAborted[fmt.Sprintf("p%d", r.Partition)] = r.Offset
		}
	}
	if !mapsEqual(firstAborted, lsoOpen) {
		return fail("last stable offsets while a transaction is open (its first record per partition)", firstAborted, lsoOpen)
	}
	c2, err := transact(p, inPartitions(makeMessages(s.topic, "commit-2", 3, base.Add(2*time.Second), false), 3), true, nil)
	if err != nil {
		return err
	}
	got, err := consume(s, readCommittedConfig(s), s.topic, allFromOldest(3), len(c1)+len(c2), 20*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(sortByPartition(concatRecs(c1, c2)), got); err != nil {
		return fail("read_committed: "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	all, err := consume(s, nil, s.topic, allFromOldest(3), len(c1)+len(ab)+len(c2), 20*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(sortByPartition(concatRecs(c1, ab, c2)), all); err != nil {
		return fail("read_uncommitted: "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	var offs []string
	for _, r := range concatRecs(c1, c2) {
		offs = append(offs, fmt.Sprintf("%d:%d", r.Partition, r.Offset))
	}
	sort.Strings(offs)
	s.observe("committedOffsets", offs)
	s.observe("lsoWhileOpen", lsoOpen)
	return nil
}

// scConsumeTransformProduce: a group member (read_committed, no auto-commit) consumes 30 records;
// a transactional producer sends them transformed to another topic and adds the consumed offsets
// with the member's generation and id (AddOffsetsToTxnWithGroupMetadata). The first run aborts
// (sarama then sends no TxnOffsetCommit), the second commits (AddOffsetsToTxn + TxnOffsetCommit
// + EndTxn).
func scConsumeTransformProduce(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	out := s.topic + "-out"
	for _, t := range []string{s.topic, out} {
		if err := createTopic(s, adm, cl, t, 3, nil); err != nil {
			return err
		}
	}
	pcfg := baseConfig(s.version)
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	pcl, err := newClient(s, pcfg)
	if err != nil {
		return err
	}
	input, err := produce(s, pcl, inPartitions(makeMessages(s.topic, "ctp", 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false), 3))
	if err != nil {
		return err
	}
	inEnds, err := offsetsOf(cl, s.topic, 3, sarama.OffsetNewest)
	if err != nil {
		return err
	}
	p, err := txnProducer(s, s.group)
	if err != nil {
		return err
	}
	var produced []rec
	after := map[string]map[string]int64{}
	for _, run := range []string{"aborted", "committed"} {
		ccfg := readCommittedConfig(s)
		ccfg.Consumer.Offsets.AutoCommit.Enable = false
		m, err := startMember(s, ccfg, s.group, s.topic, func(*sarama.ConsumerMessage) bool { return false })
		if err != nil {
			return err
		}
		ok := waitFor(s, 45*time.Second, func() bool { _, rs, _ := m.snapshot(); return len(rs) >= len(input) })
		_, got, errs := m.snapshot()
		m.mu.Lock()
		sess := m.sess
		m.mu.Unlock()
		if !ok || sess == nil {
			m.close()
			return fail(run+" run: the group member did not consume the input", len(input), map[string]any{"got": len(got), "errors": fmt.Sprint(errs)})
		}
		if err := compareRecords(sortByPartition(append([]rec(nil), input...)), sortByPartition(got)); err != nil {
			m.close()
			return fail(run+" run: records consumed from the input: "+err.Error(), err.(*failure).expected, err.(*failure).got)
		}
		var ms []*sarama.ProducerMessage
		next := map[int32]int64{}
		for _, r := range got {
			hs := []sarama.RecordHeader{}
			for _, h := range r.Headers {
				var v []byte
				if h.Value != nil {
					v = []byte(*h.Value)
				}
				hs = append(hs, sarama.RecordHeader{Key: []byte(h.Key), Value: v})
			}
			hs = append(hs, sarama.RecordHeader{Key: []byte("run"), Value: []byte(run)})
			ms = append(ms, &sarama.ProducerMessage{Topic: out, Partition: r.Partition, Key: sarama.StringEncoder(*r.Key),
				Value: sarama.StringEncoder(run + " " + *r.Value), Timestamp: time.UnixMilli(r.TsMs), Headers: hs})
			if r.Offset+1 > next[r.Partition] {
				next[r.Partition] = r.Offset + 1
			}
		}
		var offsets []*sarama.PartitionOffsetMetadata
		for part, o := range next {
			offsets = append(offsets, &sarama.PartitionOffsetMetadata{Partition: part, Offset: o})
		}
		gm := &sarama.ConsumerGroupMetadata{GroupID: s.group, GenerationID: sess.GenerationID(), MemberID: sess.MemberID()}
		res, err := transact(p, ms, run == "committed", func() error {
			if err := p.AddOffsetsToTxnWithGroupMetadata(map[string][]*sarama.PartitionOffsetMetadata{s.topic: offsets}, gm); err != nil {
				return fail("AddOffsetsToTxn", "NONE", errName(err))
			}
			return nil
		})
		m.close()
		if err != nil {
			var f *failure
			if errors.As(err, &f) {
				return fail(run+" run: "+f.msg, f.expected, f.got)
			}
			return fmt.Errorf("%s run: %w", run, err)
		}
		if after[run], err = committed(adm, s.group, s.topic, 3); err != nil {
			return err
		}
		// The transaction's offsets become visible to OffsetFetch once the coordinator has
		// written the commit marker to __consumer_offsets, which Kafka does after EndTxn has
		// answered: ask again for a while.
		for i := 0; run == "committed" && i < 50 && !mapsEqual(inEnds, after[run]); i++ {
			time.Sleep(200 * time.Millisecond)
			if after[run], err = committed(adm, s.group, s.topic, 3); err != nil {
				return err
			}
		}
		if run == "committed" {
			produced = res
		}
	}
	none := map[string]int64{"p0": -1, "p1": -1, "p2": -1}
	if !mapsEqual(none, after["aborted"]) {
		return fail("the group's committed offsets after the aborted run (none)", none, after["aborted"])
	}
	if !mapsEqual(inEnds, after["committed"]) {
		return fail("the group's committed offsets after the committed run (= what was consumed)", inEnds, after["committed"])
	}
	// the committed run's records follow the aborted run's in every partition: reading all of
	// them proves that the aborted ones were skipped
	got, err := consume(s, readCommittedConfig(s), out, allFromOldest(3), len(produced), 20*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(sortByPartition(produced), got); err != nil {
		return fail("read_committed output (only the committed run): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	var offs []int64
	for _, r := range sortByPartition(produced) {
		offs = append(offs, r.Offset)
	}
	s.observe("committed", after)
	s.observe("outputOffsets", offs)
	return nil
}

// scTransactionFencing: a second transactional producer with the same id (InitProducerId when it
// is created) fences the first and aborts its open transaction; the first one's commit fails.
func scTransactionFencing(s *sc) error {
	adm, cl, err := newAdmin(s)
	if err != nil {
		return err
	}
	if err := createTopic(s, adm, cl, s.topic, 3, nil); err != nil {
		return err
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	p1, err := txnProducer(s, s.topic)
	if err != nil {
		return err
	}
	if err := p1.BeginTxn(); err != nil {
		return fail("BeginTxn", "NONE", errName(err))
	}
	fenced, err := sendAll(p1, inPartitions(makeMessages(s.topic, "fenced", 6, base, false), 3))
	if err != nil {
		return err
	}
	p2, err := txnProducer(s, s.topic)
	if err != nil {
		return err
	}
	commitErr := p1.CommitTxn()
	if commitErr == nil {
		return fail("the first producer committed after a second one took over its transactional id", "PRODUCER_FENCED", "committed")
	}
	s.observe("fencedError", errName(commitErr))
	fencer, err := transact(p2, inPartitions(makeMessages(s.topic, "fencer", 3, base.Add(time.Second), false), 3), true, nil)
	if err != nil {
		return err
	}
	got, err := consume(s, readCommittedConfig(s), s.topic, allFromOldest(3), len(fencer), 20*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(sortByPartition(fencer), got); err != nil {
		return fail("read_committed (only the new producer's records): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	all, err := consume(s, nil, s.topic, allFromOldest(3), len(fenced)+len(fencer), 20*time.Second)
	if err != nil {
		return err
	}
	if err := compareRecords(sortByPartition(concatRecs(fenced, fencer)), all); err != nil {
		return fail("read_uncommitted (the fenced records too): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------

// selection: COMPAT_SCENARIO (set by compat/run.mjs --scenario) or COMPAT_SCENARIOS, comma-separated
// names, a trailing * matching a prefix.
func scenarioPatterns() []string {
	var pats []string
	for _, env := range []string{"COMPAT_SCENARIO", "COMPAT_SCENARIOS"} {
		for _, n := range strings.Split(os.Getenv(env), ",") {
			if n = strings.TrimSpace(n); n != "" {
				pats = append(pats, n)
			}
		}
	}
	return pats
}

func selected(name string, pats []string) bool {
	if len(pats) == 0 {
		return true
	}
	for _, p := range pats {
		if strings.HasSuffix(p, "*") && strings.HasPrefix(name, strings.TrimSuffix(p, "*")) || name == p {
			return true
		}
	}
	return false
}

// budget bounds the whole run (COMPAT_BUDGET_SECONDS, default 330) so that a broker that makes
// scenarios hang still gets a line for every scenario before the runner's own timeout.
func budget() time.Duration {
	if v, err := time.ParseDuration(os.Getenv("COMPAT_BUDGET_SECONDS") + "s"); err == nil && v > 0 {
		return v
	}
	return 330 * time.Second
}

// runBudgeted runs sd with its timeout cut to what is left of the budget, or reports it as not
// run when less than 5 s are left.
func runBudgeted(sd scenario, deadline time.Time, run func(scenario)) {
	left := time.Until(deadline)
	if left < 5*time.Second {
		fmt.Fprintf(os.Stderr, "[sarama] %-28s not run (time budget used up)\n", sd.name)
		out.Encode(result{Scenario: sd.name, Status: "fail", Message: fmt.Sprintf("not run: the driver's time budget (%s, COMPAT_BUDGET_SECONDS) was used up by earlier scenarios", budget())})
		return
	}
	if sd.timeout > left {
		sd.timeout = left
	}
	run(sd)
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: sarama-driver <bootstrap> <prefix>")
		os.Exit(2)
	}
	bootstrap, prefix = os.Args[1], os.Args[2]
	if os.Getenv("COMPAT_LOG") == "debug" {
		sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Ltime|log.Lmicroseconds)
	}
	scenarios := []scenario{
		{"create-topic", 45 * time.Second, scCreateTopic},
		{"produce-none", 45 * time.Second, produceScenario(sarama.CompressionNone)},
		{"produce-gzip", 45 * time.Second, produceScenario(sarama.CompressionGZIP)},
		{"produce-snappy", 45 * time.Second, produceScenario(sarama.CompressionSnappy)},
		{"produce-lz4", 45 * time.Second, produceScenario(sarama.CompressionLZ4)},
		{"produce-zstd", 45 * time.Second, produceScenario(sarama.CompressionZSTD)},
		{"produce-idempotent", 45 * time.Second, scProduceIdempotent},
		{"produce-transactional", 45 * time.Second, scProduceTransactional},
		{"consume-transform-produce", 90 * time.Second, scConsumeTransformProduce},
		{"transaction-fencing", 45 * time.Second, scTransactionFencing},
		{"consume-from-beginning", 45 * time.Second, scConsumeFromBeginning},
		{"consume-group", 90 * time.Second, scConsumeGroup},
		{"commit-resume", 90 * time.Second, scCommitResume},
		{"describe-topic", 45 * time.Second, scDescribeTopic},
		{"describe-configs", 45 * time.Second, scDescribeConfigs},
		{"alter-configs", 45 * time.Second, scAlterConfigs},
		{"list-groups", 60 * time.Second, scListGroups},
		{"describe-group", 60 * time.Second, scDescribeGroup},
		{"reset-offsets", 60 * time.Second, scResetOffsets},
		{"list-offsets", 45 * time.Second, scListOffsets},
		{"delete-records", 45 * time.Second, scDeleteRecords},
		{"delete-topic", 45 * time.Second, scDeleteTopic},
		{"create-partitions", 45 * time.Second, scCreatePartitions},
		{"delete-group", 60 * time.Second, scDeleteGroup},
	}
	modes := []struct {
		suffix  string
		version sarama.KafkaVersion
	}{
		{"", sarama.MaxVersion},
		{"-v" + sarama.DefaultVersion.String(), sarama.DefaultVersion},
		{"-v" + sarama.V2_1_0_0.String(), sarama.V2_1_0_0},
	}
	pats := scenarioPatterns()
	deadline := time.Now().Add(budget())
	for _, m := range modes {
		for _, sd := range scenarios {
			sd.name += m.suffix
			if selected(sd.name, pats) {
				runBudgeted(sd, deadline, func(sd scenario) { runScenario(sd, m.version) })
			}
		}
	}
}
