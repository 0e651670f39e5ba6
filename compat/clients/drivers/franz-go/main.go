// Compat-suite driver for franz-go (kgo + kadm). Usage: franz-go-driver <bootstrap> <prefix>
//
// Runs every scenario against the broker at <bootstrap>, naming each topic and group
// "<prefix>-<scenario>", and prints one JSON line per scenario on stdout:
//
//	{"scenario":…,"status":"pass"|"fail"|"skip","message":…,"expected":…,"got":…,"observed":…}
//
// Diagnostics go to stderr. Exit code 0 whenever the driver ran to the end.
//
// Environment: COMPAT_SCENARIO=a,b* runs only those scenarios (a trailing * matches a prefix);
// COMPAT_BUDGET_SECONDS bounds the whole run (default 240); COMPAT_LOG=debug|info|warn|none sets
// kgo's log level on stderr (default warn).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

var (
	bootstrap string
	prefix    string
	logLevel  = kgo.LogLevelWarn
)

const clientID = "compat-franz-go"

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

// failure is returned by a scenario to report what it expected and what came back.
type failure struct {
	msg      string
	expected any
	got      any
}

func (f *failure) Error() string { return f.msg }

func fail(msg string, expected, got any) error { return &failure{msg, expected, got} }

type skipErr struct{ why string }

func (s *skipErr) Error() string { return s.why }

// sc is the state of one running scenario.
type sc struct {
	name     string
	topic    string
	group    string
	ctx      context.Context
	observed map[string]any
	notes    []string
}

func (s *sc) observe(k string, v any) { s.observed[k] = v }
func (s *sc) note(format string, a ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, a...))
}
func (s *sc) logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "[franz-go %s] %s\n", s.name, fmt.Sprintf(format, a...))
}

type scenario struct {
	name    string
	timeout time.Duration
	fn      func(*sc) error
}

var out = json.NewEncoder(os.Stdout)

func runScenario(sd scenario) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), sd.timeout)
	defer cancel()
	s := &sc{name: sd.name, topic: prefix + "-" + sd.name, group: prefix + "-" + sd.name, ctx: ctx, observed: map[string]any{}}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("driver panic: %v\n%s", r, debug.Stack())
			}
		}()
		done <- sd.fn(s)
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(sd.timeout + 10*time.Second):
		err = fmt.Errorf("scenario did not finish within %s (hung in a client call)", sd.timeout+10*time.Second)
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
	if r.Status == "fail" && ctx.Err() != nil {
		r.Message += fmt.Sprintf(" (scenario timeout %s reached)", sd.timeout)
	}
	fmt.Fprintf(os.Stderr, "[franz-go] %-28s %s in %.1fs\n", sd.name, r.Status, time.Since(start).Seconds())
	if err := out.Encode(r); err != nil {
		fmt.Fprintf(os.Stderr, "[franz-go] cannot encode result of %s: %v\n", sd.name, err)
		fallback, _ := json.Marshal(result{Scenario: sd.name, Status: r.Status, Message: r.Message + " (observed/expected/got not encodable)"})
		fmt.Println(string(fallback))
	}
}

// ---------------------------------------------------------------------------------------------
// Client helpers

func newClient(opts ...kgo.Opt) (*kgo.Client, error) {
	return kgo.NewClient(clientOpts(opts...)...)
}

// clientOpts is the suite's base options (bootstrap, client id, short timeouts, logger) + opts.
func clientOpts(opts ...kgo.Opt) []kgo.Opt {
	base := []kgo.Opt{
		kgo.SeedBrokers(bootstrap),
		kgo.ClientID(clientID),
		kgo.MetadataMinAge(200 * time.Millisecond),
		kgo.FetchMaxWait(300 * time.Millisecond),
		kgo.RetryTimeout(20 * time.Second),
	}
	if logLevel != kgo.LogLevelNone {
		base = append(base, kgo.WithLogger(kgo.BasicLogger(os.Stderr, logLevel, func() string { return "[kgo] " })))
	}
	return append(base, opts...)
}

func newAdmin() (*kadm.Client, *kgo.Client, error) {
	cl, err := newClient()
	if err != nil {
		return nil, nil, err
	}
	return kadm.NewClient(cl), cl, nil
}

// errName is the Kafka error name of err ("" for nil), or "client: <text>" for a non-Kafka error.
func errName(err error) string {
	if err == nil {
		return "NONE"
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message
	}
	return "client: " + err.Error()
}

func codeName(code int16) string {
	if code == 0 {
		return "NONE"
	}
	if e := kerr.ErrorForCode(code); e != nil {
		var ke *kerr.Error
		if errors.As(e, &ke) {
			return ke.Message
		}
		return e.Error()
	}
	return fmt.Sprintf("code %d", code)
}

// createTopic creates s.topic (or the given name) and waits until its metadata shows every
// partition with a leader.
func createTopic(s *sc, adm *kadm.Client, name string, partitions int32, configs map[string]*string) error {
	resp, err := adm.CreateTopics(s.ctx, partitions, 1, configs, name)
	if err != nil {
		return fmt.Errorf("CreateTopics %s: %w", name, err)
	}
	if r, ok := resp[name]; !ok || r.Err != nil {
		return fail("CreateTopics "+name+" failed", "NONE", errName(r.Err))
	}
	return waitTopic(s, adm, name, int(partitions))
}

func waitTopic(s *sc, adm *kadm.Client, name string, partitions int) error {
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		td, err := adm.ListTopics(s.ctx, name)
		if err == nil {
			if d, ok := td[name]; ok && d.Err == nil && len(d.Partitions) == partitions {
				ready := true
				for _, p := range d.Partitions {
					if p.Err != nil || p.Leader < 0 {
						ready = false
					}
				}
				if ready {
					return nil
				}
			} else if ok {
				last = fmt.Sprintf("err=%v partitions=%d", d.Err, len(d.Partitions))
			}
		} else {
			last = err.Error()
		}
		if s.ctx.Err() != nil {
			break
		}
		time.Sleep(150 * time.Millisecond)
	}
	return fmt.Errorf("topic %s not ready with %d partitions: %s", name, partitions, last)
}

type hdr struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

// rec is a record as compared and printed: partition, offset, key, value, headers, timestamp.
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

func toRec(r *kgo.Record) rec {
	x := rec{Partition: r.Partition, Offset: r.Offset, Key: strp(r.Key), Value: strp(r.Value), TsMs: r.Timestamp.UnixMilli()}
	for _, h := range r.Headers {
		x.Headers = append(x.Headers, hdr{h.Key, strp(h.Value)})
	}
	return x
}

func recEqual(a, b rec) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// makeRecords builds n keyed records with headers (one with a null value), explicit timestamps
// and compressible values; the last record is a tombstone (null value) when tombstone is set.
func makeRecords(topic, label string, n int, base time.Time, tombstone bool) []*kgo.Record {
	rs := make([]*kgo.Record, 0, n)
	for i := 0; i < n; i++ {
		r := &kgo.Record{
			Topic:     topic,
			Key:       []byte(fmt.Sprintf("key-%d", i)),
			Value:     []byte(fmt.Sprintf("%s value %d %s", label, i, strings.Repeat("abcdefgh", 40))),
			Timestamp: base.Add(time.Duration(i) * time.Millisecond),
			Headers: []kgo.RecordHeader{
				{Key: "idx", Value: []byte(fmt.Sprint(i))},
				{Key: "label", Value: []byte(label)},
				{Key: "null-header", Value: nil},
				{Key: "empty-header", Value: []byte{}},
			},
		}
		if tombstone && i == n-1 {
			r.Value = nil
		}
		rs = append(rs, r)
	}
	return rs
}

// produce sends records synchronously and returns them with partition/offset filled in.
func produce(s *sc, cl *kgo.Client, rs []*kgo.Record) ([]rec, error) {
	ctx, cancel := context.WithTimeout(s.ctx, 30*time.Second)
	defer cancel()
	res := cl.ProduceSync(ctx, rs...)
	var out []rec
	for _, r := range res {
		if r.Err != nil {
			return nil, fail(fmt.Sprintf("produce failed for key %s", r.Record.Key), "NONE", errName(r.Err))
		}
		out = append(out, toRec(r.Record))
	}
	return out, nil
}

// byPartition groups records by partition, keeping order.
func byPartition(rs []rec) map[int32][]rec {
	m := map[int32][]rec{}
	for _, r := range rs {
		m[r.Partition] = append(m[r.Partition], r)
	}
	return m
}

// counts is the number of records per partition, keyed "p0", "p1"...
func counts(rs []rec) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		m[fmt.Sprintf("p%d", r.Partition)]++
	}
	return m
}

// compareRecords checks got holds exactly want, in produce order per partition.
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

// poll collects records from cl until want records arrived (then waits settle for extras) or
// the timeout passes. Fetch errors are returned (except retriable ones, which are logged).
func poll(s *sc, cl *kgo.Client, want int, timeout, settle time.Duration) ([]*kgo.Record, error) {
	var got []*kgo.Record
	deadline := time.Now().Add(timeout)
	var settleUntil time.Time
	var fetchErr error
	for {
		now := time.Now()
		if len(got) >= want && settleUntil.IsZero() {
			settleUntil = now.Add(settle)
		}
		if !settleUntil.IsZero() && !now.Before(settleUntil) {
			break
		}
		if now.After(deadline) || s.ctx.Err() != nil {
			break
		}
		until := deadline
		if !settleUntil.IsZero() {
			until = settleUntil
		}
		pctx, cancel := context.WithDeadline(s.ctx, until)
		fs := cl.PollFetches(pctx)
		cancel()
		fs.EachError(func(t string, p int32, err error) {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				return
			}
			s.logf("fetch error %s[%d]: %v", t, p, err)
			if fetchErr == nil {
				fetchErr = fmt.Errorf("fetch error on %s[%d]: %w", t, p, err)
			}
		})
		fs.EachRecord(func(r *kgo.Record) { got = append(got, r) })
		if fs.IsClientClosed() {
			break
		}
	}
	if len(got) < want && fetchErr != nil {
		return got, fetchErr
	}
	return got, nil
}

func recs(rs []*kgo.Record) []rec {
	out := make([]rec, 0, len(rs))
	for _, r := range rs {
		out = append(out, toRec(r))
	}
	return out
}

var codecNames = map[uint8]string{0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}

func codecsSeen(rs []*kgo.Record) []string {
	seen := map[string]bool{}
	for _, r := range rs {
		seen[codecNames[r.Attrs.CompressionType()]] = true
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func endOffsets(s *sc, adm *kadm.Client, topic string) (map[string]int64, error) {
	lo, err := adm.ListEndOffsets(s.ctx, topic)
	if err != nil {
		return nil, err
	}
	return offsetsMap(lo, topic)
}

func offsetsMap(lo kadm.ListedOffsets, topic string) (map[string]int64, error) {
	m := map[string]int64{}
	for p, o := range lo[topic] {
		if o.Err != nil {
			return nil, fmt.Errorf("partition %d: %w", p, o.Err)
		}
		m[fmt.Sprintf("p%d", p)] = o.Offset
	}
	return m, nil
}

func committed(s *sc, adm *kadm.Client, group, topic string) (map[string]int64, error) {
	resp, err := adm.FetchOffsets(s.ctx, group)
	if err != nil {
		return nil, err
	}
	if err := resp.Error(); err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for p, o := range resp[topic] {
		m[fmt.Sprintf("p%d", p)] = o.At
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

// scApiVersions records the version franz-go picks for every API the suite uses: the smaller of
// franz-go's own maximum (kversion.Stable) and the broker's maximum.
func scApiVersions(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	av, err := adm.ApiVersions(s.ctx)
	if err != nil {
		return err
	}
	if len(av) != 1 {
		return fail("ApiVersions from every broker", 1, len(av))
	}
	var b kadm.BrokerApiVersions
	for _, v := range av {
		b = v
	}
	if b.Err != nil {
		return fail("ApiVersions answered an error", "NONE", errName(b.Err))
	}
	used := []int16{0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 32, 33, 44, 75}
	client := kversion.Stable()
	picked := map[string]any{}
	var missing []string
	for _, k := range used {
		name := kmsg.NameForKey(k)
		cmax, _ := client.LookupMaxKeyVersion(k)
		bmin, bmax, ok := b.KeyVersions(k)
		switch {
		case !ok:
			missing = append(missing, name)
			picked[name] = "not advertised"
		case bmin > cmax:
			missing = append(missing, name)
			picked[name] = fmt.Sprintf("no overlap: broker %d-%d, client max %d", bmin, bmax, cmax)
		default:
			picked[name] = min(cmax, bmax)
		}
	}
	s.observe("negotiated", picked)
	// The Kafka version franz-go reads out of the API table (kversion's VersionGuess), which is what
	// Redpanda Console shows as the cluster's version. It wants every API of a release at that
	// release's maximum version: Kafka 4.4.0 gives "v4.4"; Rivulet, which does not serve the share
	// and streams group, quorum, quota, reassignment and feature-update APIs, gets an older guess.
	s.observe("versionGuess", b.VersionGuess())
	if len(missing) > 0 {
		return fail("APIs franz-go needs are missing or have no version in common", "all advertised", missing)
	}
	return nil
}

func scCreateTopic(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	resp, err := adm.CreateTopics(s.ctx, 3, 1, nil, s.topic)
	if err != nil {
		return fmt.Errorf("CreateTopics: %w", err)
	}
	r := resp[s.topic]
	if r.Err != nil {
		return fail("CreateTopics returned an error", "NONE", errName(r.Err))
	}
	if r.NumPartitions != 3 || r.ReplicationFactor != 1 {
		return fail("CreateTopics response: wrong partitions/replication factor", map[string]any{"partitions": 3, "rf": 1},
			map[string]any{"partitions": r.NumPartitions, "rf": r.ReplicationFactor})
	}
	if r.ID == (kadm.TopicID{}) {
		return fail("CreateTopics response carries no topic id", "a non-zero topic id", r.ID.String())
	}
	if err := waitTopic(s, adm, s.topic, 3); err != nil {
		return err
	}
	td, err := adm.ListTopics(s.ctx, s.topic)
	if err != nil {
		return err
	}
	if td[s.topic].ID != r.ID {
		return fail("Metadata topic id differs from the CreateTopics topic id", r.ID.String(), td[s.topic].ID.String())
	}
	s.observe("partitions", len(td[s.topic].Partitions))

	// error cases: each must be refused with the same error as Kafka
	errs := map[string]string{}
	again, err := adm.CreateTopics(s.ctx, 3, 1, nil, s.topic)
	if err != nil {
		return err
	}
	errs["again"] = errName(again[s.topic].Err)
	bad := s.topic + "-bad name!"
	rb, err := adm.CreateTopics(s.ctx, 1, 1, nil, bad)
	if err != nil {
		return err
	}
	errs["invalidName"] = errName(rb[bad].Err)
	zero := s.topic + "-zero"
	rz, err := adm.CreateTopics(s.ctx, 0, 1, nil, zero)
	if err != nil {
		return err
	}
	errs["zeroPartitions"] = errName(rz[zero].Err)
	rf3 := s.topic + "-rf3"
	rr, err := adm.CreateTopics(s.ctx, 1, 3, nil, rf3)
	if err != nil {
		return err
	}
	errs["replicationFactor3"] = errName(rr[rf3].Err)
	badCfg := s.topic + "-badcfg"
	x := "not-a-number"
	rc, err := adm.CreateTopics(s.ctx, 1, 1, map[string]*string{"retention.ms": &x}, badCfg)
	if err != nil {
		return err
	}
	errs["invalidConfig"] = errName(rc[badCfg].Err)
	s.observe("errors", errs)
	want := map[string]string{"again": "TOPIC_ALREADY_EXISTS", "invalidName": "INVALID_TOPIC_EXCEPTION",
		"zeroPartitions": "INVALID_PARTITIONS", "replicationFactor3": "INVALID_REPLICATION_FACTOR", "invalidConfig": "INVALID_CONFIG"}
	if !mapsEqual(want, errs) {
		return fail("invalid CreateTopics requests answered with unexpected errors", want, errs)
	}

	// broker defaults: partitions -1 / replication factor -1
	def := s.topic + "-defaults"
	rd, err := adm.CreateTopics(s.ctx, -1, -1, nil, def)
	if err != nil {
		return err
	}
	if rd[def].Err != nil {
		return fail("CreateTopics with default partitions/replication factor (-1) failed", "NONE", errName(rd[def].Err))
	}
	s.observe("defaultPartitions", rd[def].NumPartitions)
	s.observe("defaultReplicationFactor", rd[def].ReplicationFactor)
	adm.DeleteTopics(s.ctx, def)
	return nil
}

func scDescribeTopic(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	md, err := adm.Metadata(s.ctx, s.topic)
	if err != nil {
		return err
	}
	td, ok := md.Topics[s.topic]
	if !ok || td.Err != nil {
		return fail("topic missing from Metadata", "NONE", errName(td.Err))
	}
	brokers := map[int32]bool{}
	for _, b := range md.Brokers {
		brokers[b.NodeID] = true
	}
	type pinfo struct {
		Partition int32  `json:"partition"`
		Replicas  int    `json:"replicas"`
		ISR       int    `json:"isr"`
		Offline   int    `json:"offline"`
		Err       string `json:"error"`
	}
	var parts []pinfo
	for p := int32(0); p < 3; p++ {
		pd, ok := td.Partitions[p]
		if !ok {
			return fail(fmt.Sprintf("partition %d missing", p), 3, len(td.Partitions))
		}
		if !brokers[pd.Leader] {
			return fail(fmt.Sprintf("partition %d: leader is not a listed broker", p), md.Brokers.NodeIDs(), pd.Leader)
		}
		if len(pd.Replicas) != 1 || pd.Replicas[0] != pd.Leader || len(pd.ISR) != 1 || pd.ISR[0] != pd.Leader {
			return fail(fmt.Sprintf("partition %d: replicas/ISR should be the leader", p),
				map[string]any{"replicas": []int32{pd.Leader}, "isr": []int32{pd.Leader}}, map[string]any{"replicas": pd.Replicas, "isr": pd.ISR})
		}
		if pd.LeaderEpoch < 0 {
			return fail(fmt.Sprintf("partition %d: no leader epoch", p), ">= 0", pd.LeaderEpoch)
		}
		parts = append(parts, pinfo{p, len(pd.Replicas), len(pd.ISR), len(pd.OfflineReplicas), errName(pd.Err)})
	}
	if len(td.Partitions) != 3 {
		return fail("wrong partition count", 3, len(td.Partitions))
	}
	if !brokers[md.Controller] {
		return fail("controller id is not a listed broker", md.Brokers.NodeIDs(), md.Controller)
	}
	s.observe("partitions", parts)
	s.observe("internal", td.IsInternal)
	s.observe("brokers", len(md.Brokers))

	// the same through DescribeTopicPartitions (kafka-topics --describe uses it)
	req := kmsg.NewPtrDescribeTopicPartitionsRequest()
	rt := kmsg.NewDescribeTopicPartitionsRequestTopic()
	rt.Topic = s.topic
	req.Topics = append(req.Topics, rt)
	req.ResponsePartitionLimit = 100
	dresp, err := req.RequestWith(s.ctx, cl)
	if err != nil {
		return fmt.Errorf("DescribeTopicPartitions: %w", err)
	}
	if len(dresp.Topics) != 1 || dresp.Topics[0].ErrorCode != 0 || len(dresp.Topics[0].Partitions) != 3 {
		got := map[string]any{"topics": len(dresp.Topics)}
		if len(dresp.Topics) > 0 {
			got["error"] = codeName(dresp.Topics[0].ErrorCode)
			got["partitions"] = len(dresp.Topics[0].Partitions)
		}
		return fail("DescribeTopicPartitions", map[string]any{"topics": 1, "error": "NONE", "partitions": 3}, got)
	}
	if dresp.Topics[0].TopicID != td.ID {
		return fail("DescribeTopicPartitions topic id differs from Metadata", td.ID.String(), kadm.TopicID(dresp.Topics[0].TopicID).String())
	}

	// an unknown topic
	unk := s.topic + "-missing"
	md2, err := adm.Metadata(s.ctx, unk)
	if err != nil {
		return err
	}
	s.observe("unknownTopic", errName(md2.Topics[unk].Err))
	if !errors.Is(md2.Topics[unk].Err, kerr.UnknownTopicOrPartition) {
		return fail("Metadata for an unknown topic", "UNKNOWN_TOPIC_OR_PARTITION", errName(md2.Topics[unk].Err))
	}
	return nil
}

func scDeleteTopic(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer pcl.Close()
	if _, err := produce(s, pcl, makeRecords(s.topic, "before-delete", 6, time.Now(), false)); err != nil {
		return err
	}
	resp, err := adm.DeleteTopics(s.ctx, s.topic)
	if err != nil {
		return err
	}
	if resp[s.topic].Err != nil {
		return fail("DeleteTopics failed", "NONE", errName(resp[s.topic].Err))
	}
	// gone from metadata (allow a moment for propagation)
	var lastErr error
	gone := false
	for i := 0; i < 50 && !gone; i++ {
		md, err := adm.Metadata(s.ctx, s.topic)
		if err != nil {
			return err
		}
		lastErr = md.Topics[s.topic].Err
		gone = errors.Is(lastErr, kerr.UnknownTopicOrPartition)
		if !gone {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !gone {
		return fail("topic still in Metadata after DeleteTopics", "UNKNOWN_TOPIC_OR_PARTITION", errName(lastErr))
	}
	lt, err := adm.ListTopics(s.ctx)
	if err != nil {
		return err
	}
	if lt.Has(s.topic) {
		return fail("topic still listed after DeleteTopics", "absent", "present")
	}
	again, err := adm.DeleteTopics(s.ctx, s.topic)
	if err != nil {
		return err
	}
	s.observe("deleteAgain", errName(again[s.topic].Err))
	if !errors.Is(again[s.topic].Err, kerr.UnknownTopicOrPartition) {
		return fail("deleting a deleted topic", "UNKNOWN_TOPIC_OR_PARTITION", errName(again[s.topic].Err))
	}
	// recreate under the same name: must be empty
	var cerr error
	for i := 0; i < 50; i++ {
		r, err := adm.CreateTopics(s.ctx, 2, 1, nil, s.topic)
		if err != nil {
			return err
		}
		cerr = r[s.topic].Err
		if !errors.Is(cerr, kerr.TopicAlreadyExists) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if cerr != nil {
		return fail("recreating a deleted topic failed", "NONE", errName(cerr))
	}
	if err := waitTopic(s, adm, s.topic, 2); err != nil {
		return err
	}
	ends, err := endOffsets(s, adm, s.topic)
	if err != nil {
		return err
	}
	s.observe("recreatedEndOffsets", ends)
	if !mapsEqual(ends, map[string]int64{"p0": 0, "p1": 0}) {
		return fail("a recreated topic still has the old records", map[string]int64{"p0": 0, "p1": 0}, ends)
	}
	adm.DeleteTopics(s.ctx, s.topic)
	return nil
}

// ---------------------------------------------------------------------------------------------
// Scenarios: produce

func produceScenario(codec *kgo.CompressionCodec, wantCodec string) func(*sc) error {
	return func(s *sc) error {
		adm, cl, err := newAdmin()
		if err != nil {
			return err
		}
		defer cl.Close()
		if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
			return err
		}
		opts := []kgo.Opt{kgo.ProducerLinger(50 * time.Millisecond)}
		if codec != nil {
			opts = append(opts, kgo.ProducerBatchCompression(*codec))
		}
		pcl, err := newClient(opts...)
		if err != nil {
			return err
		}
		defer pcl.Close()
		const n = 30
		want, err := produce(s, pcl, makeRecords(s.topic, s.name, n, time.Now().Add(-time.Minute).Truncate(time.Millisecond), true))
		if err != nil {
			return err
		}
		ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		if err != nil {
			return err
		}
		defer ccl.Close()
		got, err := poll(s, ccl, n, 20*time.Second, 300*time.Millisecond)
		if err != nil {
			return err
		}
		s.observe("perPartition", counts(want))
		s.observe("codecOnFetch", codecsSeen(got))
		if err := compareRecords(want, recs(got)); err != nil {
			return err
		}
		if cs := codecsSeen(got); len(cs) != 1 || cs[0] != wantCodec {
			s.note("batches came back with codec %v (sent %s)", cs, wantCodec)
		}
		for _, r := range got {
			if r.Attrs.TimestampType() != 0 {
				return fail("timestamp type should be CreateTime", 0, r.Attrs.TimestampType())
			}
		}
		return nil
	}
}

func scProduceIdempotent(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	// idempotence is franz-go's default; every record to partition 0, in several requests
	p1, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.MaxBufferedRecords(4), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer p1.Close()
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	var want []rec
	for round := 0; round < 3; round++ {
		rs := makeRecords(s.topic, fmt.Sprintf("round-%d", round), 5, base.Add(time.Duration(round)*time.Second), false)
		got, err := produce(s, p1, rs)
		if err != nil {
			return err
		}
		want = append(want, got...)
	}
	// a second idempotent producer must get its own producer id
	p2, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer p2.Close()
	second := makeRecords(s.topic, "second-producer", 3, base.Add(5*time.Second), false)
	second[1].Key = nil // a record without a key
	got2, err := produce(s, p2, second)
	if err != nil {
		return err
	}
	want = append(want, got2...)
	var offs []int64
	for _, r := range want {
		offs = append(offs, r.Offset)
	}
	for i, o := range offs {
		if o != int64(i) {
			return fail("offsets must be contiguous from 0", "0..17", offs)
		}
	}
	ccl, err := newClient(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{s.topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, len(want), 20*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	if err := compareRecords(want, recs(got)); err != nil {
		return err
	}
	pids := map[int64]bool{}
	for i, r := range got {
		if r.ProducerID < 0 || r.ProducerEpoch < 0 {
			return fail("an idempotent record has no producer id/epoch", ">= 0", map[string]any{"producerId": r.ProducerID, "epoch": r.ProducerEpoch})
		}
		if i < 15 && r.ProducerID != got[0].ProducerID {
			return fail("one producer's records carry different producer ids", got[0].ProducerID, r.ProducerID)
		}
		pids[r.ProducerID] = true
	}
	if len(pids) != 2 {
		return fail("two idempotent producers should have two producer ids", 2, len(pids))
	}
	s.observe("offsets", offs)
	s.observe("producerEpoch", got[0].ProducerEpoch)
	return nil
}

func scProduceAcks(acks kgo.Acks) func(*sc) error {
	return func(s *sc) error {
		adm, cl, err := newAdmin()
		if err != nil {
			return err
		}
		defer cl.Close()
		if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
			return err
		}
		// warm-up: one acknowledged record per partition, so that every partition is ready before
		// records nobody acknowledges arrive (Kafka drops acks=0 records sent to a partition that
		// is not quite ready yet right after CreateTopics)
		wcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			return err
		}
		defer wcl.Close()
		var warm []*kgo.Record
		for p := int32(0); p < 3; p++ {
			warm = append(warm, &kgo.Record{Topic: s.topic, Partition: p, Key: []byte(fmt.Sprintf("warmup-%d", p)), Value: []byte("warmup")})
		}
		if _, err := produce(s, wcl, warm); err != nil {
			return err
		}
		pcl, err := newClient(kgo.DisableIdempotentWrite(), kgo.RequiredAcks(acks), kgo.ProducerLinger(0))
		if err != nil {
			return err
		}
		defer pcl.Close()
		rs := makeRecords(s.topic, s.name, 12, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)
		if _, err := produce(s, pcl, rs); err != nil {
			return err
		}
		ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		if err != nil {
			return err
		}
		defer ccl.Close()
		got, err := poll(s, ccl, len(rs)+len(warm), 20*time.Second, 300*time.Millisecond)
		if err != nil {
			return err
		}
		// with acks=0 the producer learns no offsets: compare by key, order within partition
		all := recs(got)
		var gr []rec
		byKey := map[string]rec{}
		for _, r := range all {
			if r.Key != nil && strings.HasPrefix(*r.Key, "warmup-") {
				continue
			}
			gr = append(gr, r)
			byKey[*r.Key] = r
		}
		if len(gr) != len(rs) || len(byKey) != len(rs) {
			return fail("records consumed back", len(rs), len(gr))
		}
		for _, r := range rs {
			g, ok := byKey[string(r.Key)]
			w := toRec(r)
			w.Partition, w.Offset = g.Partition, g.Offset
			if !ok || !recEqual(w, g) {
				return fail("record differs", w, g)
			}
		}
		for p, l := range byPartition(all) {
			for i, r := range l {
				if r.Offset != int64(i) {
					return fail(fmt.Sprintf("partition %d offsets not contiguous", p), i, r.Offset)
				}
			}
		}
		s.observe("perPartition", counts(gr))
		return nil
	}
}

// ---------------------------------------------------------------------------------------------
// Scenarios: consume

func scConsumeFromBeginning(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 45, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	// direct (group-less) consumer of the whole topic from the start, tiny fetches so it takes several
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxPartitionBytes(600))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, len(want), 20*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	if err := compareRecords(want, recs(got)); err != nil {
		return err
	}
	s.observe("perPartition", counts(want))
	return nil
}

func scConsumeAtOffsets(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var rs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for i, r := range makeRecords(s.topic, fmt.Sprintf("p%d", p), 10, base, false) {
			r.Partition = p
			r.Timestamp = base.Add(time.Duration(i) * time.Second)
			rs = append(rs, r)
		}
	}
	all, err := produce(s, pcl, rs)
	if err != nil {
		return err
	}
	// p0 from offset 6, p1 at the end (only records produced later), p2 from a timestamp
	ccl, err := newClient(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{s.topic: {
		0: kgo.NewOffset().At(6),
		1: kgo.NewOffset().AtEnd(),
		2: kgo.NewOffset().AfterMilli(base.Add(7500 * time.Millisecond).UnixMilli()),
	}}))
	if err != nil {
		return err
	}
	defer ccl.Close()
	// let the consumer resolve "end" for p1 before producing more there
	first, err := poll(s, ccl, 4+2, 15*time.Second, 500*time.Millisecond)
	if err != nil {
		return err
	}
	late := makeRecords(s.topic, "late", 3, base.Add(time.Minute), false)
	for _, r := range late {
		r.Partition = 1
	}
	lateRecs, err := produce(s, pcl, late)
	if err != nil {
		return err
	}
	more, err := poll(s, ccl, 3, 15*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	var want []rec
	for _, r := range all {
		if (r.Partition == 0 && r.Offset >= 6) || (r.Partition == 2 && r.Offset >= 8) {
			want = append(want, r)
		}
	}
	want = append(want, lateRecs...)
	got := append(recs(first), recs(more)...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].Partition < got[j].Partition })
	if err := compareRecords(want, got); err != nil {
		return err
	}
	s.observe("firstOffsets", map[string]int64{"p0": byPartition(got)[0][0].Offset, "p1": byPartition(got)[1][0].Offset, "p2": byPartition(got)[2][0].Offset})
	return nil
}

// groupMember is a consumer in a group, polling in the background and tracking its assignment.
type groupMember struct {
	cl       *kgo.Client
	mu       sync.Mutex
	assigned map[int32]bool
	records  []*kgo.Record
	errs     []error
	stop     chan struct{}
	done     chan struct{}
}

func newGroupMember(s *sc, group, topic string, extra ...kgo.Opt) (*groupMember, error) {
	m := &groupMember{assigned: map[int32]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	opts := []kgo.Opt{
		kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(), kgo.HeartbeatInterval(500 * time.Millisecond), kgo.SessionTimeout(10 * time.Second),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
			m.mu.Lock()
			for _, p := range a[topic] {
				m.assigned[p] = true
			}
			m.mu.Unlock()
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
			m.mu.Lock()
			for _, p := range a[topic] {
				delete(m.assigned, p)
			}
			m.mu.Unlock()
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
			m.mu.Lock()
			for _, p := range a[topic] {
				delete(m.assigned, p)
			}
			m.mu.Unlock()
		}),
	}
	cl, err := newClient(append(opts, extra...)...)
	if err != nil {
		return nil, err
	}
	m.cl = cl
	go func() {
		defer close(m.done)
		for {
			select {
			case <-m.stop:
				return
			default:
			}
			pctx, cancel := context.WithTimeout(s.ctx, 300*time.Millisecond)
			fs := cl.PollFetches(pctx)
			cancel()
			if fs.IsClientClosed() || s.ctx.Err() != nil {
				return
			}
			m.mu.Lock()
			fs.EachError(func(t string, p int32, err error) {
				if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
					m.errs = append(m.errs, fmt.Errorf("%s[%d]: %w", t, p, err))
				}
			})
			fs.EachRecord(func(r *kgo.Record) { m.records = append(m.records, r) })
			m.mu.Unlock()
		}
	}()
	return m, nil
}

func (m *groupMember) snapshot() (map[int32]bool, []*kgo.Record, []error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := map[int32]bool{}
	for p := range m.assigned {
		a[p] = true
	}
	return a, append([]*kgo.Record(nil), m.records...), append([]error(nil), m.errs...)
}

// halt stops polling (the client stays open, still in the group).
func (m *groupMember) halt() {
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
	<-m.done
}

func (m *groupMember) close() {
	m.halt()
	m.cl.Close()
}

func waitFor(s *sc, timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && s.ctx.Err() == nil {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
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
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	a, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer a.close()
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := a.snapshot(); return len(as) == 3 }) {
		as, _, errs := a.snapshot()
		return fail("first member should be assigned all 3 partitions", []int32{0, 1, 2}, map[string]any{"assigned": partList(as), "errors": fmt.Sprint(errs)})
	}
	b, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer b.close()
	var asA, asB map[int32]bool
	balanced := waitFor(s, 30*time.Second, func() bool {
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
	})
	if !balanced {
		return fail("two members should split the 3 partitions", "disjoint non-empty assignments covering 0..2",
			map[string]any{"a": partList(asA), "b": partList(asB)})
	}
	dg, err := adm.DescribeGroups(s.ctx, s.group)
	if err != nil {
		return err
	}
	g := dg[s.group]
	if g.State != "Stable" || len(g.Members) != 2 {
		return fail("DescribeGroups after the rebalance", map[string]any{"state": "Stable", "members": 2}, map[string]any{"state": g.State, "members": len(g.Members), "error": errName(g.Err)})
	}
	pcl, err := newClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	waitFor(s, 20*time.Second, func() bool {
		_, ra, _ := a.snapshot()
		_, rb, _ := b.snapshot()
		return len(ra)+len(rb) >= len(want)
	})
	time.Sleep(500 * time.Millisecond) // room for duplicates to show up
	a.halt()
	b.halt()
	asA2, ra, ea := a.snapshot()
	asB2, rb, eb := b.snapshot()
	if len(ea)+len(eb) > 0 {
		s.note("fetch errors: %v %v", ea, eb)
	}
	if !mapsEqual(asA, asA2) || !mapsEqual(asB, asB2) {
		s.note("assignment changed while consuming: a %v→%v b %v→%v", partList(asA), partList(asA2), partList(asB), partList(asB2))
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
	got := append(recs(ra), recs(rb)...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].Partition < got[j].Partition })
	if err := compareRecords(want, got); err != nil {
		return err
	}
	// commit what each consumed, then the group's offsets are the end offsets
	for _, m := range []*groupMember{a, b} {
		if err := m.cl.CommitUncommittedOffsets(s.ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
	}
	cm, err := committed(s, adm, s.group, s.topic)
	if err != nil {
		return err
	}
	ends, err := endOffsets(s, adm, s.topic)
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
	s.observe("protocol", g.Protocol)
	return nil
}

func scCommitResume(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	var rs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for _, r := range makeRecords(s.topic, fmt.Sprintf("p%d", p), 10, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false) {
			r.Partition = p
			rs = append(rs, r)
		}
	}
	want, err := produce(s, pcl, rs)
	if err != nil {
		return err
	}
	// first consumer: process offsets 0..3 of every partition, commit 4, leave
	c1, err := newGroupMember(s, s.group, s.topic)
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
	c1.halt()
	_, r1, e1 := c1.snapshot()
	if !ok {
		c1.cl.Close()
		return fail("first consumer did not receive 4 records from each partition", 12, map[string]any{"received": counts(recs(r1)), "errors": fmt.Sprint(e1)})
	}
	commit := map[string]map[int32]kgo.EpochOffset{s.topic: {}}
	var processed []rec
	for _, r := range r1 {
		if r.Offset < 4 {
			processed = append(processed, toRec(r))
			commit[s.topic][r.Partition] = kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: 4}
		}
	}
	var commitErr error
	c1.cl.CommitOffsetsSync(s.ctx, commit, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err != nil {
			commitErr = err
			return
		}
		for _, t := range resp.Topics {
			for _, p := range t.Partitions {
				if p.ErrorCode != 0 && commitErr == nil {
					commitErr = kerr.ErrorForCode(p.ErrorCode)
				}
			}
		}
	})
	c1.cl.Close() // leaves the group
	if commitErr != nil {
		return fail("OffsetCommit from the group member failed", "NONE", errName(commitErr))
	}
	cm, err := committed(s, adm, s.group, s.topic)
	if err != nil {
		return err
	}
	s.observe("committed", cm)
	wantCommitted := map[string]int64{"p0": 4, "p1": 4, "p2": 4}
	if !mapsEqual(cm, wantCommitted) {
		return fail("committed offsets (OffsetFetch)", wantCommitted, cm)
	}
	// second consumer, same group: resumes at 4 everywhere
	c2, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer c2.close()
	waitFor(s, 25*time.Second, func() bool { _, r, _ := c2.snapshot(); return len(r) >= 18 })
	time.Sleep(500 * time.Millisecond)
	c2.halt()
	_, r2, e2 := c2.snapshot()
	if len(e2) > 0 {
		s.note("fetch errors: %v", e2)
	}
	got := append(processed, recs(r2)...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].Partition < got[j].Partition })
	first := map[string]int64{}
	for p, l := range byPartition(recs(r2)) {
		first[fmt.Sprintf("p%d", p)] = l[0].Offset
	}
	s.observe("resumedAt", first)
	if !mapsEqual(first, wantCommitted) {
		return fail("the second consumer should resume at the committed offsets", wantCommitted, first)
	}
	return compareRecords(want, got)
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

func describeGroup(s *sc, adm *kadm.Client, group string) (groupInfo, kadm.DescribedGroup, error) {
	dg, err := adm.DescribeGroups(s.ctx, group)
	if err != nil {
		var se *kadm.ShardErrors
		if !errors.As(err, &se) {
			return groupInfo{}, kadm.DescribedGroup{}, err
		}
	}
	g, ok := dg[group]
	if !ok {
		return groupInfo{Error: errName(err)}, g, nil
	}
	return groupInfo{g.State, g.ProtocolType, g.Protocol, len(g.Members), errName(g.Err)}, g, nil
}

func listedGroup(s *sc, adm *kadm.Client, group string, states ...string) (*kadm.ListedGroup, error) {
	lg, err := adm.ListGroups(s.ctx, states...)
	if err != nil {
		return nil, err
	}
	if g, ok := lg[group]; ok {
		return &g, nil
	}
	return nil, nil
}

func scListGroups(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	m, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := m.snapshot(); return len(as) == 3 }) {
		m.close()
		return fail("the member never got its assignment", 3, 0)
	}
	type lgInfo struct {
		Found        bool   `json:"found"`
		State        string `json:"state"`
		ProtocolType string `json:"protocolType"`
	}
	info := func(g *kadm.ListedGroup) lgInfo {
		if g == nil {
			return lgInfo{}
		}
		return lgInfo{true, g.State, g.ProtocolType}
	}
	var active *kadm.ListedGroup
	waitFor(s, 10*time.Second, func() bool {
		active, err = listedGroup(s, adm, s.group)
		return err == nil && active != nil && active.State == "Stable"
	})
	if err != nil {
		m.close()
		return err
	}
	stableFilter, err := listedGroup(s, adm, s.group, "Stable")
	if err != nil {
		m.close()
		return err
	}
	emptyFilter, err := listedGroup(s, adm, s.group, "Empty")
	if err != nil {
		m.close()
		return err
	}
	// commit something so the group survives its last member as Empty
	var cerr error
	m.cl.CommitOffsetsSync(s.ctx, map[string]map[int32]kgo.EpochOffset{s.topic: {0: {Epoch: -1, Offset: 0}}},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, _ *kmsg.OffsetCommitResponse, err error) { cerr = err })
	m.close()
	if cerr != nil {
		return fmt.Errorf("commit: %w", cerr)
	}
	var afterLeave *kadm.ListedGroup
	waitFor(s, 10*time.Second, func() bool {
		afterLeave, err = listedGroup(s, adm, s.group)
		return err == nil && afterLeave != nil && afterLeave.State == "Empty"
	})
	if err != nil {
		return err
	}
	obs := map[string]lgInfo{"active": info(active), "filterStable": info(stableFilter), "filterEmpty": info(emptyFilter), "afterLeave": info(afterLeave)}
	s.observe("groups", obs)
	want := map[string]lgInfo{"active": {true, "Stable", "consumer"}, "filterStable": {true, "Stable", "consumer"}, "filterEmpty": {}, "afterLeave": {true, "Empty", "consumer"}}
	if !mapsEqual(want, obs) {
		return fail("ListGroups (plain, state filter Stable, filter Empty, after the member left)", want, obs)
	}
	return nil
}

func scDescribeGroup(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	m, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer m.close()
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := m.snapshot(); return len(as) == 3 }) {
		return fail("the member never got its assignment", 3, 0)
	}
	var gi groupInfo
	var g kadm.DescribedGroup
	waitFor(s, 10*time.Second, func() bool {
		gi, g, err = describeGroup(s, adm, s.group)
		return err == nil && gi.State == "Stable"
	})
	if err != nil {
		return err
	}
	s.observe("group", gi)
	want := groupInfo{"Stable", "consumer", "cooperative-sticky", 1, "NONE"}
	if gi != want {
		return fail("DescribeGroups of a group with one member", want, gi)
	}
	mem := g.Members[0]
	if mem.ClientID != clientID || mem.MemberID == "" || mem.ClientHost == "" {
		return fail("member details", map[string]any{"clientId": clientID, "memberId": "non-empty", "clientHost": "non-empty"},
			map[string]any{"clientId": mem.ClientID, "memberId": mem.MemberID, "clientHost": mem.ClientHost})
	}
	var assigned []string
	if c, ok := mem.Assigned.AsConsumer(); ok {
		for _, t := range c.Topics {
			for _, p := range t.Partitions {
				assigned = append(assigned, fmt.Sprintf("%s-%d", strings.TrimPrefix(t.Topic, prefix+"-"), p))
			}
		}
	}
	sort.Strings(assigned)
	var subscribed []string
	if j, ok := mem.Join.AsConsumer(); ok {
		for _, t := range j.Topics {
			subscribed = append(subscribed, strings.TrimPrefix(t, prefix+"-"))
		}
	}
	s.observe("assigned", assigned)
	s.observe("subscribed", subscribed)
	wantAssigned := []string{s.name + "-0", s.name + "-1", s.name + "-2"}
	if fmt.Sprint(assigned) != fmt.Sprint(wantAssigned) {
		return fail("member assignment decoded from DescribeGroups", wantAssigned, assigned)
	}
	if fmt.Sprint(subscribed) != fmt.Sprint([]string{s.name}) {
		return fail("member subscription decoded from DescribeGroups", []string{s.name}, subscribed)
	}
	// a group that does not exist
	unk, _, err := describeGroup(s, adm, s.group+"-missing")
	if err != nil {
		return err
	}
	s.observe("unknownGroup", unk)
	return nil
}

func scResetOffsets(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	var rs []*kgo.Record
	for p := int32(0); p < 3; p++ {
		for i, r := range makeRecords(s.topic, fmt.Sprintf("p%d", p), 10, base, false) {
			r.Partition = p
			r.Timestamp = base.Add(time.Duration(i) * time.Second)
			rs = append(rs, r)
		}
	}
	all, err := produce(s, pcl, rs)
	if err != nil {
		return err
	}
	steps := map[string]map[string]int64{}
	commitAndCheck := func(step string, lo kadm.ListedOffsets) error {
		var os kadm.Offsets
		lo.Each(func(o kadm.ListedOffset) {
			os.Add(kadm.Offset{Topic: o.Topic, Partition: o.Partition, At: o.Offset, LeaderEpoch: -1, Metadata: "compat " + step})
		})
		resp, err := adm.CommitOffsets(s.ctx, s.group, os)
		if err != nil {
			return fmt.Errorf("%s: CommitOffsets: %w", step, err)
		}
		if err := resp.Error(); err != nil {
			return fail(step+": CommitOffsets answered an error", "NONE", errName(err))
		}
		cm, err := committed(s, adm, s.group, s.topic)
		if err != nil {
			return err
		}
		fo, err := adm.FetchOffsets(s.ctx, s.group)
		if err != nil {
			return err
		}
		for p, o := range fo[s.topic] {
			if o.Metadata != "compat "+step {
				return fail(fmt.Sprintf("%s: commit metadata read back for partition %d", step, p), "compat "+step, o.Metadata)
			}
		}
		want, _ := offsetsMap(lo, s.topic)
		steps[step] = cm
		if !mapsEqual(cm, want) {
			return fail(step+": committed offsets read back (OffsetFetch)", want, cm)
		}
		return nil
	}
	lo, err := adm.ListEndOffsets(s.ctx, s.topic)
	if err != nil {
		return err
	}
	if err := commitAndCheck("toLatest", lo); err != nil {
		return err
	}
	if lo, err = adm.ListStartOffsets(s.ctx, s.topic); err != nil {
		return err
	}
	if err := commitAndCheck("toEarliest", lo); err != nil {
		return err
	}
	if lo, err = adm.ListOffsetsAfterMilli(s.ctx, base.Add(4500*time.Millisecond).UnixMilli(), s.topic); err != nil {
		return err
	}
	if err := commitAndCheck("toTimestamp", lo); err != nil {
		return err
	}
	s.observe("steps", steps)
	if !mapsEqual(steps["toTimestamp"], map[string]int64{"p0": 5, "p1": 5, "p2": 5}) {
		return fail("offsets for timestamp base+4.5s", map[string]int64{"p0": 5, "p1": 5, "p2": 5}, steps["toTimestamp"])
	}
	// a consumer in the group now starts at 5 everywhere
	m, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer m.close()
	waitFor(s, 20*time.Second, func() bool { _, r, _ := m.snapshot(); return len(r) >= 15 })
	time.Sleep(300 * time.Millisecond)
	m.halt()
	_, got, errs := m.snapshot()
	if len(errs) > 0 {
		s.note("fetch errors: %v", errs)
	}
	var want []rec
	for _, r := range all {
		if r.Offset >= 5 {
			want = append(want, r)
		}
	}
	g := recs(got)
	sort.SliceStable(g, func(i, j int) bool { return g[i].Partition < g[j].Partition })
	return compareRecords(want, g)
}

// ---------------------------------------------------------------------------------------------
// Scenarios: configs

type cfgInfo struct {
	Value     *string `json:"value"`
	Source    string  `json:"source"`
	Sensitive bool    `json:"sensitive"`
}

func describeTopicConfigs(s *sc, adm *kadm.Client, topic string) (map[string]cfgInfo, error) {
	rc, err := adm.DescribeTopicConfigs(s.ctx, topic)
	if err != nil {
		return nil, err
	}
	r, err := rc.On(topic, nil)
	if err != nil {
		return nil, err
	}
	if r.Err != nil {
		return nil, fail("DescribeConfigs answered an error", "NONE", errName(r.Err))
	}
	m := map[string]cfgInfo{}
	for _, c := range r.Configs {
		m[c.Key] = cfgInfo{c.Value, c.Source.String(), c.Sensitive}
	}
	return m, nil
}

var watchedConfigs = []string{"cleanup.policy", "retention.ms", "retention.bytes", "max.message.bytes",
	"segment.bytes", "compression.type", "min.insync.replicas", "message.timestamp.type"}

func pick(m map[string]cfgInfo, keys ...string) map[string]cfgInfo {
	out := map[string]cfgInfo{}
	for _, k := range keys {
		if c, ok := m[k]; ok {
			out[k] = c
		} else {
			out[k] = cfgInfo{Source: "(missing)"}
		}
	}
	return out
}

func cfgVal(m map[string]cfgInfo, k string) string {
	if c, ok := m[k]; ok && c.Value != nil {
		return *c.Value + " (" + c.Source + ")"
	}
	return "(missing)"
}

func scDescribeConfigs(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	ret := "3600000"
	if err := createTopic(s, adm, s.topic, 3, map[string]*string{"retention.ms": &ret}); err != nil {
		return err
	}
	m, err := describeTopicConfigs(s, adm, s.topic)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s.observe("configs", pick(m, watchedConfigs...))
	s.observe("keys", keys)
	want := map[string]string{"retention.ms": "3600000 (DYNAMIC_TOPIC_CONFIG)", "cleanup.policy": "delete (DEFAULT_CONFIG)", "compression.type": "producer (DEFAULT_CONFIG)"}
	got := map[string]string{}
	for k := range want {
		got[k] = cfgVal(m, k)
	}
	if !mapsEqual(want, got) {
		return fail("DescribeConfigs values and sources", want, got)
	}
	// only some keys, with synonyms
	req := kmsg.NewPtrDescribeConfigsRequest()
	res := kmsg.NewDescribeConfigsRequestResource()
	res.ResourceType = kmsg.ConfigResourceTypeTopic
	res.ResourceName = s.topic
	res.ConfigNames = []string{"retention.ms", "cleanup.policy"}
	req.Resources = append(req.Resources, res)
	req.IncludeSynonyms = true
	resp, err := req.RequestWith(s.ctx, cl)
	if err != nil {
		return err
	}
	var names []string
	var synonyms []string
	for _, r := range resp.Resources {
		for _, c := range r.Configs {
			names = append(names, c.Name)
			if c.Name == "retention.ms" {
				for _, sy := range c.ConfigSynonyms {
					synonyms = append(synonyms, sy.Name+":"+sy.Source.String())
				}
			}
		}
	}
	sort.Strings(names)
	s.observe("onlyNamed", names)
	s.observe("retentionSynonyms", synonyms)
	if fmt.Sprint(names) != "[cleanup.policy retention.ms]" {
		return fail("DescribeConfigs with two config names", []string{"cleanup.policy", "retention.ms"}, names)
	}
	// unknown topic
	unk := s.topic + "-missing"
	rc2, err := adm.DescribeTopicConfigs(s.ctx, unk)
	var e2 error
	if err != nil {
		e2 = err
	} else if r, err := rc2.On(unk, nil); err != nil {
		e2 = err
	} else {
		e2 = r.Err
	}
	s.observe("unknownTopic", errName(e2))
	return nil
}

func scAlterConfigs(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	sv := func(v string) *string { return &v }
	// Kafka applies config changes through its metadata log: allow them a moment to show up
	check := func(step string, want map[string]string) error {
		var got map[string]string
		var err error
		waitFor(s, 5*time.Second, func() bool {
			var m map[string]cfgInfo
			if m, err = describeTopicConfigs(s, adm, s.topic); err != nil {
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
	alterErr := func(resp kadm.AlterConfigsResponses, err error) string {
		if err != nil {
			return errName(err)
		}
		for _, r := range resp {
			if r.Err != nil {
				return errName(r.Err)
			}
		}
		return "NONE"
	}
	// incremental: set two
	if e := alterErr(adm.AlterTopicConfigs(s.ctx, []kadm.AlterConfig{
		{Op: kadm.SetConfig, Name: "retention.ms", Value: sv("86400000")},
		{Op: kadm.SetConfig, Name: "max.message.bytes", Value: sv("2000000")},
	}, s.topic)); e != "NONE" {
		return fail("IncrementalAlterConfigs SET", "NONE", e)
	}
	if err := check("after incremental set", map[string]string{"retention.ms": "86400000 (DYNAMIC_TOPIC_CONFIG)", "max.message.bytes": "2000000 (DYNAMIC_TOPIC_CONFIG)"}); err != nil {
		return err
	}
	// incremental: delete one (back to the default), append to a list config
	if e := alterErr(adm.AlterTopicConfigs(s.ctx, []kadm.AlterConfig{
		{Op: kadm.DeleteConfig, Name: "retention.ms"},
		{Op: kadm.AppendConfig, Name: "cleanup.policy", Value: sv("compact")},
	}, s.topic)); e != "NONE" {
		return fail("IncrementalAlterConfigs DELETE + APPEND", "NONE", e)
	}
	if err := check("after incremental delete/append", map[string]string{"retention.ms": "604800000 (DEFAULT_CONFIG)", "max.message.bytes": "2000000 (DYNAMIC_TOPIC_CONFIG)", "cleanup.policy": "delete,compact (DYNAMIC_TOPIC_CONFIG)"}); err != nil {
		return err
	}
	// legacy AlterConfigs replaces the whole set
	if e := alterErr(adm.AlterTopicConfigsState(s.ctx, []kadm.AlterConfig{{Name: "segment.ms", Value: sv("3600000")}}, s.topic)); e != "NONE" {
		return fail("AlterConfigs (legacy, whole state)", "NONE", e)
	}
	if err := check("after legacy AlterConfigs", map[string]string{"segment.ms": "3600000 (DYNAMIC_TOPIC_CONFIG)", "max.message.bytes": "1048588 (DEFAULT_CONFIG)", "cleanup.policy": "delete (DEFAULT_CONFIG)"}); err != nil {
		return err
	}
	// refused changes
	errs := map[string]string{
		"unknownName":   alterErr(adm.AlterTopicConfigs(s.ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "no.such.config", Value: sv("1")}}, s.topic)),
		"invalidValue":  alterErr(adm.AlterTopicConfigs(s.ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: sv("soon")}}, s.topic)),
		"unknownTopic":  alterErr(adm.AlterTopicConfigs(s.ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: sv("1000")}}, s.topic+"-missing")),
		"validateOnly":  alterErr(adm.ValidateAlterTopicConfigs(s.ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: sv("1234")}}, s.topic)),
		"legacyUnknown": alterErr(adm.AlterTopicConfigsState(s.ctx, []kadm.AlterConfig{{Name: "no.such.config", Value: sv("1")}}, s.topic)),
	}
	s.observe("errors", errs)
	// validate-only must not change anything
	if err := check("after validate-only", map[string]string{"retention.ms": "604800000 (DEFAULT_CONFIG)"}); err != nil {
		return err
	}
	want := map[string]string{"unknownName": "INVALID_CONFIG", "invalidValue": "INVALID_CONFIG", "unknownTopic": "UNKNOWN_TOPIC_OR_PARTITION", "validateOnly": "NONE", "legacyUnknown": "INVALID_CONFIG"}
	if !mapsEqual(want, errs) {
		return fail("refused config changes", want, errs)
	}
	return nil
}

// ---------------------------------------------------------------------------------------------
// Scenarios: offsets and records

func scListOffsets(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 1, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	rs := makeRecords(s.topic, s.name, 10, base, false)
	for i, r := range rs {
		r.Timestamp = base.Add(time.Duration(i) * time.Second)
	}
	rs[7].Timestamp = base.Add(20 * time.Second) // the max timestamp is not the last record
	if _, err := produce(s, pcl, rs); err != nil {
		return err
	}
	one := func(lo kadm.ListedOffsets, err error) (map[string]int64, error) {
		if err != nil {
			return nil, err
		}
		o, ok := lo.Lookup(s.topic, 0)
		if !ok {
			return nil, fmt.Errorf("no offset for partition 0")
		}
		if o.Err != nil {
			return map[string]int64{"error": int64(kerrCode(o.Err))}, nil
		}
		return map[string]int64{"offset": o.Offset, "tsDelta": tsDelta(o.Timestamp, base)}, nil
	}
	got := map[string]map[string]int64{}
	var e error
	if got["earliest"], e = one(adm.ListStartOffsets(s.ctx, s.topic)); e != nil {
		return e
	}
	if got["latest"], e = one(adm.ListEndOffsets(s.ctx, s.topic)); e != nil {
		return e
	}
	if got["maxTimestamp"], e = one(adm.ListMaxTimestampOffsets(s.ctx, s.topic)); e != nil {
		return e
	}
	if got["at+2.5s"], e = one(adm.ListOffsetsAfterMilli(s.ctx, base.Add(2500*time.Millisecond).UnixMilli(), s.topic)); e != nil {
		return e
	}
	if got["at+3s"], e = one(adm.ListOffsetsAfterMilli(s.ctx, base.Add(3*time.Second).UnixMilli(), s.topic)); e != nil {
		return e
	}
	if got["before"], e = one(adm.ListOffsetsAfterMilli(s.ctx, base.Add(-time.Hour).UnixMilli(), s.topic)); e != nil {
		return e
	}
	// raw ListOffsets for a timestamp after every record: Kafka answers offset -1 (kadm would map it)
	req := kmsg.NewPtrListOffsetsRequest()
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = s.topic
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Partition = 0
	rp.Timestamp = base.Add(time.Hour).UnixMilli()
	rp.CurrentLeaderEpoch = -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	req.ReplicaID = -1
	resp, err := req.RequestWith(s.ctx, cl)
	if err != nil {
		return err
	}
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		return fail("raw ListOffsets response shape", "1 topic, 1 partition", resp.Topics)
	}
	pp := resp.Topics[0].Partitions[0]
	got["after"] = map[string]int64{"offset": pp.Offset, "timestamp": pp.Timestamp, "error": int64(pp.ErrorCode)}
	s.observe("offsets", got)
	want := map[string]map[string]int64{
		"earliest":     {"offset": 0, "tsDelta": -1},
		"latest":       {"offset": 10, "tsDelta": -1},
		"maxTimestamp": {"offset": 7, "tsDelta": 20000},
		"at+2.5s":      {"offset": 3, "tsDelta": 3000},
		"at+3s":        {"offset": 3, "tsDelta": 3000},
		"before":       {"offset": 0, "tsDelta": 0},
		"after":        {"offset": -1, "timestamp": -1, "error": 0},
	}
	for k, w := range want {
		if !mapsEqual(w, got[k]) {
			return fail("ListOffsets "+k, w, got[k])
		}
	}
	return nil
}

func kerrCode(err error) int16 {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Code
	}
	return -1
}

// tsDelta is the timestamp relative to base in ms, or -1 when the listing carries no timestamp.
func tsDelta(ts int64, base time.Time) int64 {
	if ts < 0 {
		return -1
	}
	return ts - base.UnixMilli()
}

func scDeleteRecords(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 2, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	rs := makeRecords(s.topic, s.name, 10, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)
	more := makeRecords(s.topic, s.name+"-p1", 5, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)
	for _, r := range more {
		r.Partition = 1
	}
	all, err := produce(s, pcl, append(rs, more...))
	if err != nil {
		return err
	}
	var del kadm.Offsets
	del.AddOffset(s.topic, 0, 4, -1)
	del.AddOffset(s.topic, 1, -1, -1) // -1: up to the high watermark
	resp, err := adm.DeleteRecords(s.ctx, del)
	if err != nil {
		return err
	}
	lw := map[string]any{}
	for _, p := range []int32{0, 1} {
		r, ok := resp.Lookup(s.topic, p)
		if !ok {
			return fail(fmt.Sprintf("DeleteRecords: no result for partition %d", p), "a result", nil)
		}
		if r.Err != nil {
			lw[fmt.Sprintf("p%d", p)] = errName(r.Err)
		} else {
			lw[fmt.Sprintf("p%d", p)] = r.LowWatermark
		}
	}
	s.observe("lowWatermarks", lw)
	if fmt.Sprint(lw) != fmt.Sprint(map[string]any{"p0": int64(4), "p1": int64(5)}) {
		return fail("DeleteRecords low watermarks", map[string]any{"p0": 4, "p1": 5}, lw)
	}
	starts, err := adm.ListStartOffsets(s.ctx, s.topic)
	if err != nil {
		return err
	}
	sm, err := offsetsMap(starts, s.topic)
	if err != nil {
		return err
	}
	s.observe("startOffsets", sm)
	if !mapsEqual(sm, map[string]int64{"p0": 4, "p1": 5}) {
		return fail("ListOffsets earliest after DeleteRecords", map[string]int64{"p0": 4, "p1": 5}, sm)
	}
	// deleting beyond the high watermark
	var bad kadm.Offsets
	bad.AddOffset(s.topic, 0, 50, -1)
	br, err := adm.DeleteRecords(s.ctx, bad)
	if err != nil {
		return err
	}
	r, _ := br.Lookup(s.topic, 0)
	s.observe("beyondHighWatermark", errName(r.Err))
	if !errors.Is(r.Err, kerr.OffsetOutOfRange) {
		return fail("DeleteRecords beyond the high watermark", "OFFSET_OUT_OF_RANGE", errName(r.Err))
	}
	// consuming from the start yields offsets 4..9 of p0, nothing from p1
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, 6, 15*time.Second, 500*time.Millisecond)
	if err != nil {
		return err
	}
	var want []rec
	for _, r := range all {
		if r.Partition == 0 && r.Offset >= 4 {
			want = append(want, r)
		}
	}
	if err := compareRecords(want, recs(got)); err != nil {
		return err
	}
	// fetching below the log start offset or beyond the high watermark is out of range
	below, err := fetchError(s, s.topic, 0, 1)
	if err != nil {
		return err
	}
	beyond, err := fetchError(s, s.topic, 0, 100)
	if err != nil {
		return err
	}
	s.observe("fetchBelowStart", errName(below))
	s.observe("fetchBeyondEnd", errName(beyond))
	if !errors.Is(below, kerr.OffsetOutOfRange) {
		return fail("Fetch at offset 1 after deleting up to 4", "OFFSET_OUT_OF_RANGE", errName(below))
	}
	if !errors.Is(beyond, kerr.OffsetOutOfRange) {
		return fail("Fetch at offset 100 (high watermark 10)", "OFFSET_OUT_OF_RANGE", errName(beyond))
	}
	return nil
}

// fetchError consumes partition p of topic from exactly offset at, with no reset policy, and
// returns the first fetch error (nil if records or nothing came within 10 s).
func fetchError(s *sc, topic string, p int32, at int64) (error, error) {
	ocl, err := newClient(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {p: kgo.NewOffset().At(at)}}),
		kgo.ConsumeResetOffset(kgo.NoResetOffset()))
	if err != nil {
		return nil, err
	}
	defer ocl.Close()
	var fetchErr error
	waitFor(s, 10*time.Second, func() bool {
		pctx, cancel := context.WithTimeout(s.ctx, 500*time.Millisecond)
		fs := ocl.PollFetches(pctx)
		cancel()
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && fetchErr == nil {
				fetchErr = err
			}
		})
		return fetchErr != nil || fs.NumRecords() > 0
	})
	return fetchErr, nil
}

// ---------------------------------------------------------------------------------------------
// Extra scenarios

// scProduceLargeRecord: a 2 MB record is refused by a topic with the default max.message.bytes
// and accepted (and fetched back whole, KIP-74) by a topic allowing 3 MB.
func scProduceLargeRecord(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	max := "3000000"
	big := s.topic + "-big"
	if err := createTopic(s, adm, s.topic, 1, nil); err != nil {
		return err
	}
	if err := createTopic(s, adm, big, 1, map[string]*string{"max.message.bytes": &max}); err != nil {
		return err
	}
	defer adm.DeleteTopics(s.ctx, big)
	pcl, err := newClient(kgo.ProducerBatchMaxBytes(4<<20), kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.RecordRetries(2))
	if err != nil {
		return err
	}
	defer pcl.Close()
	value := make([]byte, 2<<20)
	for i := range value {
		value[i] = byte('a' + (i*7919)%26)
	}
	ctx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
	defer cancel()
	tooBig := pcl.ProduceSync(ctx, &kgo.Record{Topic: s.topic, Key: []byte("big"), Value: value}).FirstErr()
	s.observe("defaultTopic", errName(tooBig))
	if !errors.Is(tooBig, kerr.MessageTooLarge) {
		return fail("a 2 MiB record to a topic with the default max.message.bytes", "MESSAGE_TOO_LARGE", errName(tooBig))
	}
	ok := pcl.ProduceSync(ctx, &kgo.Record{Topic: big, Key: []byte("big"), Value: value}).FirstErr()
	s.observe("bigTopic", errName(ok))
	if ok != nil {
		return fail("a 2 MiB record to a topic with max.message.bytes=3000000", "NONE", errName(ok))
	}
	// default fetch limits are 1 MiB per partition: the broker must still return the batch
	ccl, err := newClient(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{big: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxPartitionBytes(1<<20), kgo.FetchMaxBytes(1<<20))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, 1, 15*time.Second, 200*time.Millisecond)
	if err != nil {
		return err
	}
	if len(got) != 1 || !bytes.Equal(got[0].Value, value) {
		n := 0
		if len(got) > 0 {
			n = len(got[0].Value)
		}
		return fail("the 2 MiB record fetched back with 1 MiB fetch limits", map[string]int{"records": 1, "bytes": len(value)}, map[string]int{"records": len(got), "bytes": n})
	}
	return nil
}

// scProduceMany: 20,000 small records over 3 partitions in many batches (lingering producer),
// consumed back in order.
func scProduceMany(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient(kgo.ProducerLinger(5*time.Millisecond), kgo.ProducerBatchMaxBytes(64<<10))
	if err != nil {
		return err
	}
	defer pcl.Close()
	const n = 20000
	rs := make([]*kgo.Record, 0, n)
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	for i := 0; i < n; i++ {
		rs = append(rs, &kgo.Record{Topic: s.topic, Key: []byte(fmt.Sprintf("k%d", i%97)), Value: []byte(fmt.Sprintf("v%d", i)), Timestamp: base})
	}
	want, err := produce(s, pcl, rs)
	if err != nil {
		return err
	}
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxPartitionBytes(100<<10))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, n, 30*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	if err := compareRecords(want, recs(got)); err != nil {
		return err
	}
	s.observe("perPartition", counts(want))
	return nil
}

func scCreatePartitions(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 2, nil); err != nil {
		return err
	}
	resp, err := adm.CreatePartitions(s.ctx, 3, s.topic)
	if err != nil {
		return err
	}
	if resp[s.topic].Err != nil {
		return fail("CreatePartitions +3", "NONE", errName(resp[s.topic].Err))
	}
	if err := waitTopic(s, adm, s.topic, 5); err != nil {
		return err
	}
	errs := map[string]string{}
	r2, err := adm.UpdatePartitions(s.ctx, 4, s.topic)
	if err != nil {
		return err
	}
	errs["shrink"] = errName(r2[s.topic].Err)
	r3, err := adm.UpdatePartitions(s.ctx, 5, s.topic)
	if err != nil {
		return err
	}
	errs["sameCount"] = errName(r3[s.topic].Err)
	r4, err := adm.CreatePartitions(s.ctx, 1, s.topic+"-missing")
	if err != nil {
		return err
	}
	errs["unknownTopic"] = errName(r4[s.topic+"-missing"].Err)
	s.observe("errors", errs)
	want := map[string]string{"shrink": "INVALID_PARTITIONS", "sameCount": "INVALID_PARTITIONS", "unknownTopic": "UNKNOWN_TOPIC_OR_PARTITION"}
	if !mapsEqual(want, errs) {
		return fail("refused CreatePartitions requests", want, errs)
	}
	// the new partitions take records
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	rs := makeRecords(s.topic, s.name, 5, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false)
	for i, r := range rs {
		r.Partition = int32(i)
	}
	want2, err := produce(s, pcl, rs)
	if err != nil {
		return err
	}
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, 5, 15*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	return compareRecords(want2, recs(got))
}

// scProduceTimestamps: a LogAppendTime topic overwrites the producer's timestamps (compressed
// batch), and message.timestamp.before/after.max.ms refuse records too far from now.
func scProduceTimestamps(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	lat := s.topic + "-lat"
	strict := s.topic + "-strict"
	lt, hour := "LogAppendTime", "3600000"
	if err := createTopic(s, adm, lat, 1, map[string]*string{"message.timestamp.type": &lt}); err != nil {
		return err
	}
	defer adm.DeleteTopics(s.ctx, lat)
	if err := createTopic(s, adm, strict, 1, map[string]*string{"message.timestamp.before.max.ms": &hour, "message.timestamp.after.max.ms": &hour}); err != nil {
		return err
	}
	defer adm.DeleteTopics(s.ctx, strict)
	pcl, err := newClient(kgo.DisableIdempotentWrite(), kgo.ProducerBatchCompression(kgo.GzipCompression()), kgo.RecordRetries(2))
	if err != nil {
		return err
	}
	defer pcl.Close()
	old := time.Now().Add(-2 * time.Hour).Truncate(time.Millisecond)
	t0 := time.Now().Add(-2 * time.Second)
	want, err := produce(s, pcl, makeRecords(lat, s.name, 5, old, false))
	if err != nil {
		return err
	}
	t1 := time.Now().Add(2 * time.Second)
	ccl, err := newClient(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{lat: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, len(want), 15*time.Second, 200*time.Millisecond)
	if err != nil {
		return err
	}
	if len(got) != len(want) {
		return fail("records consumed back from the LogAppendTime topic", len(want), len(got))
	}
	types := map[int8]int{}
	for i, r := range got {
		types[r.Attrs.TimestampType()]++
		if r.Timestamp.Before(t0) || r.Timestamp.After(t1) {
			return fail(fmt.Sprintf("record %d: LogAppendTime timestamp should be the broker's append time", i),
				"within 2 s of the produce call", fmt.Sprintf("%s (producer's was %s)", r.Timestamp.UTC().Format(time.RFC3339Nano), old.UTC().Format(time.RFC3339Nano)))
		}
		w := want[i]
		g := toRec(r)
		w.TsMs, g.TsMs = 0, 0
		if !recEqual(w, g) {
			return fail(fmt.Sprintf("record %d differs", i), w, g)
		}
	}
	s.observe("logAppendTimeType", types[1] == len(got))
	if types[1] != len(got) {
		return fail("timestamp type of records in a LogAppendTime topic", "LogAppendTime (1) for every record", types)
	}
	ctx, cancel := context.WithTimeout(s.ctx, 15*time.Second)
	defer cancel()
	try := func(ts time.Time) string {
		return errName(pcl.ProduceSync(ctx, &kgo.Record{Topic: strict, Key: []byte("k"), Value: []byte("v"), Timestamp: ts}).FirstErr())
	}
	errs := map[string]string{"twoHoursOld": try(time.Now().Add(-2 * time.Hour)), "now": try(time.Now()), "twoHoursAhead": try(time.Now().Add(2 * time.Hour))}
	s.observe("timestampLimits", errs)
	wantErrs := map[string]string{"twoHoursOld": "INVALID_TIMESTAMP", "now": "NONE", "twoHoursAhead": "INVALID_TIMESTAMP"}
	if !mapsEqual(wantErrs, errs) {
		return fail("message.timestamp.before/after.max.ms = 1 h", wantErrs, errs)
	}
	return nil
}

// scConsumeReadCommitted: with no transactions, a read_committed consumer sees everything and
// the last stable offset equals the high watermark.
func scConsumeReadCommitted(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	pcl, err := newClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	lso, err := adm.ListCommittedOffsets(s.ctx, s.topic)
	if err != nil {
		return err
	}
	lsoMap, err := offsetsMap(lso, s.topic)
	if err != nil {
		return err
	}
	hw, err := endOffsets(s, adm, s.topic)
	if err != nil {
		return err
	}
	s.observe("lastStableOffsets", lsoMap)
	if !mapsEqual(lsoMap, hw) {
		return fail("ListOffsets read_committed (last stable offset) without transactions", hw, lsoMap)
	}
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, len(want), 20*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	return compareRecords(want, recs(got))
}

// ---------------------------------------------------------------------------------------------
// Scenarios: transactions. Kafka 4.1 and Rivulet both finalize transaction.version=2, so franz-go
// runs KIP-890 transactions v2 (Produce v12+ adds partitions, EndTxn v5); against a broker
// without it, transactions v1 (AddPartitionsToTxn, EndTxn v4).

// inPartitions spreads records over partitions 0..n-1 in turn (for a ManualPartitioner).
func inPartitions(rs []*kgo.Record, n int32) []*kgo.Record {
	for i, r := range rs {
		r.Partition = int32(i) % n
	}
	return rs
}

// transact runs one transaction on cl: begin, produce rs, during() (while it is open), end.
func transact(s *sc, cl *kgo.Client, rs []*kgo.Record, commit bool, during func() error) ([]rec, error) {
	if err := cl.BeginTransaction(); err != nil {
		return nil, fmt.Errorf("BeginTransaction: %w", err)
	}
	got, err := produce(s, cl, rs)
	if err == nil && during != nil {
		err = during()
	}
	if err != nil {
		_ = cl.AbortBufferedRecords(s.ctx)
		_ = cl.EndTransaction(s.ctx, kgo.TryAbort)
		return nil, err
	}
	if err := cl.EndTransaction(s.ctx, kgo.TransactionEndTry(commit)); err != nil {
		return nil, fail(fmt.Sprintf("EndTransaction(commit=%v)", commit), "NONE", errName(err))
	}
	return got, nil
}

// readIsolated reads the topic from the start with the given isolation level until want records
// arrived (then 300 ms more for extras).
func readIsolated(s *sc, topic string, want int, level kgo.IsolationLevel) ([]*kgo.Record, error) {
	cl, err := newClient(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(level))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return poll(s, cl, want, 20*time.Second, 300*time.Millisecond)
}

func concatRecs(ls ...[]rec) []rec {
	var out []rec
	for _, l := range ls {
		out = append(out, l...)
	}
	return out
}

// scProduceTransactional: commit 12 records, abort 9, commit 3 (one per partition, last, so that
// a reader with all of them is past everything else). read_committed reads the 15 committed
// records at their offsets (markers in between), read_uncommitted all 24; while the second
// transaction is open the last stable offset of each partition is its first record.
func scProduceTransactional(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	tcl, err := newClient(kgo.TransactionalID(s.topic), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer tcl.Close()
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	c1, err := transact(s, tcl, inPartitions(makeRecords(s.topic, "commit-1", 12, base, false), 3), true, nil)
	if err != nil {
		return err
	}
	var lsoOpen map[string]int64
	ab, err := transact(s, tcl, inPartitions(makeRecords(s.topic, "aborted", 9, base.Add(time.Second), false), 3), false, func() error {
		lo, err := adm.ListCommittedOffsets(s.ctx, s.topic)
		if err != nil {
			return err
		}
		lsoOpen, err = offsetsMap(lo, s.topic)
		return err
	})
	if err != nil {
		return err
	}
	firstAborted := map[string]int64{}
	for _, r := range ab {
		k := fmt.Sprintf("p%d", r.Partition)
		if _, ok := firstAborted[k]; !ok {
			firstAborted[k] = r.Offset
		}
	}
	if !mapsEqual(firstAborted, lsoOpen) {
		return fail("last stable offsets while a transaction is open (its first record per partition)", firstAborted, lsoOpen)
	}
	c2, err := transact(s, tcl, inPartitions(makeRecords(s.topic, "commit-2", 3, base.Add(2*time.Second), false), 3), true, nil)
	if err != nil {
		return err
	}
	got, err := readIsolated(s, s.topic, len(c1)+len(c2), kgo.ReadCommitted())
	if err != nil {
		return err
	}
	if err := compareRecords(concatRecs(c1, c2), recs(got)); err != nil {
		return fail("read_committed: "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	pids := map[int64]bool{}
	for _, r := range got {
		if !r.Attrs.IsTransactional() {
			return fail("a committed record's batch is not marked transactional", true, false)
		}
		pids[r.ProducerID] = true
	}
	if len(pids) != 1 {
		return fail("one transactional producer id", 1, len(pids))
	}
	all, err := readIsolated(s, s.topic, len(c1)+len(ab)+len(c2), kgo.ReadUncommitted())
	if err != nil {
		return err
	}
	if err := compareRecords(concatRecs(c1, ab, c2), recs(all)); err != nil {
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

// scConsumeTransformProduce: a GroupTransactSession (group member + transactional producer in one
// client, read_committed) consumes 30 records, produces them transformed to another topic and
// ends the transaction, which commits the consumed offsets in it (TxnOffsetCommit). The first run
// aborts (franz-go then sends no offsets and rewinds to the committed ones), the second commits
// in a new session.
func scConsumeTransformProduce(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	out := s.topic + "-out"
	for _, t := range []string{s.topic, out} {
		if err := createTopic(s, adm, t, 3, nil); err != nil {
			return err
		}
	}
	pcl, err := newClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer pcl.Close()
	input, err := produce(s, pcl, inPartitions(makeRecords(s.topic, "ctp", 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false), 3))
	if err != nil {
		return err
	}
	inEnds, err := endOffsets(s, adm, s.topic)
	if err != nil {
		return err
	}
	var produced []rec
	after := map[string]map[string]int64{}
	for _, run := range []string{"aborted", "committed"} {
		sess, err := kgo.NewGroupTransactSession(clientOpts(
			kgo.ConsumerGroup(s.group), kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
			kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.TransactionalID(s.group),
			kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0),
			kgo.HeartbeatInterval(500*time.Millisecond), kgo.SessionTimeout(10*time.Second))...)
		if err != nil {
			return err
		}
		var got []*kgo.Record
		deadline := time.Now().Add(30 * time.Second)
		for len(got) < len(input) && time.Now().Before(deadline) && s.ctx.Err() == nil {
			pctx, cancel := context.WithTimeout(s.ctx, time.Second)
			fs := sess.PollFetches(pctx)
			cancel()
			fs.EachError(func(t string, p int32, err error) {
				if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
					s.logf("%s run: fetch error %s[%d]: %v", run, t, p, err)
				}
			})
			fs.EachRecord(func(r *kgo.Record) { got = append(got, r) })
		}
		if err := compareRecords(input, recs(got)); err != nil {
			sess.Close()
			return fail(run+" run: records consumed from the input: "+err.Error(), err.(*failure).expected, err.(*failure).got)
		}
		if err := sess.Begin(); err != nil {
			sess.Close()
			return fmt.Errorf("Begin: %w", err)
		}
		var outs []*kgo.Record
		for _, r := range got {
			hs := append(append([]kgo.RecordHeader(nil), r.Headers...), kgo.RecordHeader{Key: "run", Value: []byte(run)})
			outs = append(outs, &kgo.Record{Topic: out, Partition: r.Partition, Key: r.Key, Value: []byte(run + " " + string(r.Value)), Timestamp: r.Timestamp, Headers: hs})
		}
		var prodErr error
		var res []rec
		for _, pr := range sess.ProduceSync(s.ctx, outs...) {
			if pr.Err != nil && prodErr == nil {
				prodErr = pr.Err
			}
			res = append(res, toRec(pr.Record))
		}
		committed, endErr := sess.End(s.ctx, kgo.TransactionEndTry(run == "committed"))
		sess.Close()
		if prodErr != nil {
			return fail(run+" run: produce to the output", "NONE", errName(prodErr))
		}
		if endErr != nil || committed != (run == "committed") {
			return fail(run+" run: End", map[string]any{"committed": run == "committed", "err": "NONE"}, map[string]any{"committed": committed, "err": errName(endErr)})
		}
		if after[run], err = committedOffsets(s, adm, s.group, s.topic); err != nil {
			return err
		}
		// The transaction's offsets become visible to OffsetFetch once the coordinator has
		// written the commit marker to __consumer_offsets, which Kafka does after EndTxn has
		// returned (Kafka 4.4 with transactions v2 is slow enough for a read right after End to
		// miss them): ask again for a while.
		for i := 0; run == "committed" && i < 50 && !mapsEqual(inEnds, after[run]); i++ {
			time.Sleep(200 * time.Millisecond)
			if after[run], err = committedOffsets(s, adm, s.group, s.topic); err != nil {
				return err
			}
		}
		if run == "committed" {
			produced = res
		}
	}
	if len(after["aborted"]) != 0 {
		return fail("the group's committed offsets after the aborted run", map[string]int64{}, after["aborted"])
	}
	if !mapsEqual(inEnds, after["committed"]) {
		return fail("the group's committed offsets after the committed run (= what was consumed)", inEnds, after["committed"])
	}
	// the committed run's records follow the aborted run's in every partition: reading all of
	// them proves that the aborted ones were skipped
	got, err := readIsolated(s, out, len(produced), kgo.ReadCommitted())
	if err != nil {
		return err
	}
	if err := compareRecords(produced, recs(got)); err != nil {
		return fail("read_committed output (only the committed run): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	s.observe("committed", after)
	s.observe("outputPerPartition", counts(produced))
	var offs []int64
	for _, r := range produced {
		offs = append(offs, r.Offset)
	}
	s.observe("outputOffsets", offs)
	return nil
}

// committedOffsets is the group's committed offsets for topic (partitions with a commit only).
func committedOffsets(s *sc, adm *kadm.Client, group, topic string) (map[string]int64, error) {
	resp, err := adm.FetchOffsets(s.ctx, group)
	if err != nil {
		return nil, err
	}
	if err := resp.Error(); err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for p, o := range resp[topic] {
		if o.At >= 0 {
			m[fmt.Sprintf("p%d", p)] = o.At
		}
	}
	return m, nil
}

// scTransactionFencing: a second client with the same transactional id initializes (on its
// first produce), which fences the first one and aborts its open transaction; the first one's
// EndTransaction(commit) fails.
func scTransactionFencing(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	opts := []kgo.Opt{kgo.TransactionalID(s.topic), kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0)}
	p1, err := newClient(opts...)
	if err != nil {
		return err
	}
	defer p1.Close()
	p2, err := newClient(opts...)
	if err != nil {
		return err
	}
	defer p2.Close()
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	if err := p1.BeginTransaction(); err != nil {
		return err
	}
	fenced, err := produce(s, p1, inPartitions(makeRecords(s.topic, "fenced", 6, base, false), 3))
	if err != nil {
		return err
	}
	if err := p2.BeginTransaction(); err != nil {
		return err
	}
	// p2's first produce initializes its producer id: InitProducerId fences p1
	fencer, err := produce(s, p2, inPartitions(makeRecords(s.topic, "fencer", 3, base.Add(time.Second), false), 3))
	if err != nil {
		return err
	}
	endErr := p1.EndTransaction(s.ctx, kgo.TryCommit)
	if endErr == nil {
		return fail("the first producer committed after a second one took over its transactional id", "PRODUCER_FENCED", "committed")
	}
	if err := p2.EndTransaction(s.ctx, kgo.TryCommit); err != nil {
		return fail("the new producer's commit", "NONE", errName(err))
	}
	s.observe("fencedError", errName(endErr))
	if !errors.Is(endErr, kerr.ProducerFenced) {
		return fail("the fenced producer's EndTransaction error", "PRODUCER_FENCED", errName(endErr))
	}
	got, err := readIsolated(s, s.topic, len(fencer), kgo.ReadCommitted())
	if err != nil {
		return err
	}
	if err := compareRecords(fencer, recs(got)); err != nil {
		return fail("read_committed (only the new producer's records): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	all, err := readIsolated(s, s.topic, len(fenced)+len(fencer), kgo.ReadUncommitted())
	if err != nil {
		return err
	}
	if err := compareRecords(concatRecs(fenced, fencer), recs(all)); err != nil {
		return fail("read_uncommitted (the fenced records too): "+err.Error(), err.(*failure).expected, err.(*failure).got)
	}
	return nil
}

// scProduceAutoCreate: producing to a topic that does not exist, with auto-creation allowed in
// the Metadata request, creates it with the broker's default partition count (Kafka's
// auto.create.topics.enable defaults to true).
func scProduceAutoCreate(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	pcl, err := newClient(kgo.AllowAutoTopicCreation(), kgo.RecordRetries(20))
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 5, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	td, err := adm.ListTopics(s.ctx, s.topic)
	if err != nil {
		return err
	}
	d := td[s.topic]
	s.observe("partitions", len(d.Partitions))
	if d.Err != nil {
		return fail("the auto-created topic in Metadata", "NONE", errName(d.Err))
	}
	ccl, err := newClient(kgo.ConsumeTopics(s.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return err
	}
	defer ccl.Close()
	got, err := poll(s, ccl, len(want), 15*time.Second, 300*time.Millisecond)
	if err != nil {
		return err
	}
	if err := compareRecords(want, recs(got)); err != nil {
		return err
	}
	adm.DeleteTopics(s.ctx, s.topic)
	return nil
}

// scGroupProtocolSelection: the coordinator picks the one assignor every member supports (by the
// members' preferences), and refuses a member that has none in common with the group.
func scGroupProtocolSelection(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	type tc struct {
		name string
		a, b []kgo.GroupBalancer
		want string
	}
	cases := []tc{
		{"commonSecondChoice", []kgo.GroupBalancer{kgo.StickyBalancer(), kgo.RangeBalancer()}, []kgo.GroupBalancer{kgo.RangeBalancer()}, "range"},
		{"sameFirstChoice", []kgo.GroupBalancer{kgo.RoundRobinBalancer(), kgo.RangeBalancer()}, []kgo.GroupBalancer{kgo.RoundRobinBalancer(), kgo.RangeBalancer()}, "roundrobin"},
	}
	picked := map[string]string{}
	for _, c := range cases {
		group := s.group + "-" + c.name
		a, err := newGroupMember(s, group, s.topic, kgo.Balancers(c.a...))
		if err != nil {
			return err
		}
		if !waitFor(s, 20*time.Second, func() bool { as, _, _ := a.snapshot(); return len(as) == 3 }) {
			a.close()
			return fail(c.name+": the first member should get all 3 partitions", 3, 0)
		}
		b, err := newGroupMember(s, group, s.topic, kgo.Balancers(c.b...))
		if err != nil {
			a.close()
			return err
		}
		asA, asB, ok := splitMembers(s, a, b, 3, 30*time.Second)
		gi, _, derr := describeGroup(s, adm, group)
		a.close()
		b.close()
		if derr != nil {
			return derr
		}
		if !ok {
			_, _, ea := a.snapshot()
			_, _, eb := b.snapshot()
			return fail(c.name+": two members should split the 3 partitions", "disjoint non-empty assignments",
				map[string]any{"a": partList(asA), "b": partList(asB), "errors": fmt.Sprint(ea, eb)})
		}
		picked[c.name] = gi.Protocol
	}
	s.observe("picked", picked)
	for _, c := range cases {
		if picked[c.name] != c.want {
			return fail(c.name+": group protocol chosen by the coordinator", c.want, picked[c.name])
		}
	}
	// nothing in common
	group := s.group + "-incompatible"
	a, err := newGroupMember(s, group, s.topic, kgo.Balancers(kgo.StickyBalancer()))
	if err != nil {
		return err
	}
	defer a.close()
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := a.snapshot(); return len(as) == 3 }) {
		return fail("incompatible: the first member should get all 3 partitions", 3, 0)
	}
	b, err := newGroupMember(s, group, s.topic, kgo.Balancers(kgo.RangeBalancer()))
	if err != nil {
		return err
	}
	defer b.close()
	var bErr string
	waitFor(s, 15*time.Second, func() bool {
		_, _, errs := b.snapshot()
		for _, e := range errs {
			if errors.Is(e, kerr.InconsistentGroupProtocol) {
				bErr = "INCONSISTENT_GROUP_PROTOCOL"
				return true
			}
			bErr = e.Error()
		}
		return false
	})
	asA, _, _ := a.snapshot()
	asB, _, _ := b.snapshot()
	s.observe("incompatibleJoin", bErr)
	if bErr != "INCONSISTENT_GROUP_PROTOCOL" || len(asA) != 3 || len(asB) != 0 {
		return fail("a member with no assignor in common with the group", map[string]any{"joinError": "INCONSISTENT_GROUP_PROTOCOL", "first": []int32{0, 1, 2}, "second": []int32{}},
			map[string]any{"joinError": bErr, "first": partList(asA), "second": partList(asB)})
	}
	return nil
}

// scDeleteGroup: DeleteGroups and OffsetDelete on an active, an empty and an unknown group.
func scDeleteGroup(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 2, nil); err != nil {
		return err
	}
	m, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := m.snapshot(); return len(as) == 2 }) {
		m.close()
		return fail("the member never got its assignment", 2, 0)
	}
	var cerr error
	m.cl.CommitOffsetsSync(s.ctx, map[string]map[int32]kgo.EpochOffset{s.topic: {0: {Epoch: -1, Offset: 0}, 1: {Epoch: -1, Offset: 0}}},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, _ *kmsg.OffsetCommitResponse, err error) { cerr = err })
	if cerr != nil {
		m.close()
		return fmt.Errorf("commit: %w", cerr)
	}
	errs := map[string]string{}
	var ts kadm.TopicsSet
	ts.Add(s.topic, 0)
	od, err := adm.DeleteOffsets(s.ctx, s.group, ts)
	if err != nil {
		errs["offsetDeleteActive"] = errName(err)
	} else {
		e, _ := od.Lookup(s.topic, 0)
		errs["offsetDeleteActive"] = errName(e)
	}
	_, err = adm.DeleteGroup(s.ctx, s.group)
	errs["deleteActive"] = errName(err)
	m.close()
	waitFor(s, 10*time.Second, func() bool { gi, _, err := describeGroup(s, adm, s.group); return err == nil && gi.State == "Empty" })
	od2, err := adm.DeleteOffsets(s.ctx, s.group, ts)
	if err != nil {
		errs["offsetDeleteEmpty"] = errName(err)
	} else {
		e, _ := od2.Lookup(s.topic, 0)
		errs["offsetDeleteEmpty"] = errName(e)
	}
	cm, err := committed(s, adm, s.group, s.topic)
	if err != nil {
		return err
	}
	s.observe("committedAfterOffsetDelete", cm)
	_, err = adm.DeleteGroup(s.ctx, s.group)
	errs["deleteEmpty"] = errName(err)
	_, err = adm.DeleteGroup(s.ctx, s.group)
	errs["deleteAgain"] = errName(err)
	lg, err := listedGroup(s, adm, s.group)
	if err != nil {
		return err
	}
	s.observe("errors", errs)
	s.observe("listedAfterDelete", lg != nil)
	want := map[string]string{"offsetDeleteActive": "GROUP_SUBSCRIBED_TO_TOPIC", "deleteActive": "NON_EMPTY_GROUP",
		"offsetDeleteEmpty": "NONE", "deleteEmpty": "NONE", "deleteAgain": "GROUP_ID_NOT_FOUND"}
	if !mapsEqual(want, errs) {
		return fail("DeleteGroups / OffsetDelete results", want, errs)
	}
	if !mapsEqual(cm, map[string]int64{"p1": 0}) {
		return fail("offsets after OffsetDelete of partition 0", map[string]int64{"p1": 0}, cm)
	}
	if lg != nil {
		return fail("a deleted group is still listed", false, true)
	}
	return nil
}

// splitMembers waits until a and b hold disjoint, non-empty assignments covering all partitions.
func splitMembers(s *sc, a, b *groupMember, partitions int, timeout time.Duration) (map[int32]bool, map[int32]bool, bool) {
	var asA, asB map[int32]bool
	ok := waitFor(s, timeout, func() bool {
		asA, _, _ = a.snapshot()
		asB, _, _ = b.snapshot()
		if len(asA) == 0 || len(asB) == 0 || len(asA)+len(asB) != partitions {
			return false
		}
		for p := range asA {
			if asB[p] {
				return false
			}
		}
		return true
	})
	return asA, asB, ok
}

// scGroupSessionTimeout: a static member (which does not send LeaveGroup on close) disappears;
// after its 6 s session timeout the coordinator must evict it and hand its partitions to the
// other member, which then consumes everything produced.
func scGroupSessionTimeout(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	a, err := newGroupMember(s, s.group, s.topic, kgo.InstanceID("compat-a"), kgo.SessionTimeout(6*time.Second))
	if err != nil {
		return err
	}
	defer a.close()
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := a.snapshot(); return len(as) == 3 }) {
		return fail("the static member should get all 3 partitions", 3, 0)
	}
	b, err := newGroupMember(s, s.group, s.topic, kgo.SessionTimeout(6*time.Second))
	if err != nil {
		return err
	}
	defer b.close()
	asA, asB, ok := splitMembers(s, a, b, 3, 30*time.Second)
	if !ok {
		return fail("two members should split the 3 partitions", "disjoint non-empty assignments", map[string]any{"a": partList(asA), "b": partList(asB)})
	}
	a.close() // static: no LeaveGroup
	t0 := time.Now()
	if !waitFor(s, 30*time.Second, func() bool { as, _, _ := b.snapshot(); return len(as) == 3 }) {
		as, _, errs := b.snapshot()
		return fail("after the static member's session timed out, the other member should own all partitions", []int32{0, 1, 2},
			map[string]any{"assigned": partList(as), "errors": fmt.Sprint(errs)})
	}
	took := time.Since(t0)
	s.note("takeover after %.1fs", took.Seconds())
	if took < 3*time.Second {
		s.note("takeover faster than the 6 s session timeout: was the static member's close a LeaveGroup?")
	}
	pcl, err := newClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	waitFor(s, 20*time.Second, func() bool { _, r, _ := b.snapshot(); return len(r) >= len(want) })
	time.Sleep(300 * time.Millisecond)
	b.halt()
	_, got, _ := b.snapshot()
	g := recs(got)
	sort.SliceStable(g, func(i, j int) bool { return g[i].Partition < g[j].Partition })
	s.observe("finalAssignment", 3)
	return compareRecords(want, g)
}

// scGroupStaticRejoin: a static member restarts with the same instance id before its session
// times out: it must get its partitions back and the other member keeps its own.
func scGroupStaticRejoin(s *sc) error {
	adm, cl, err := newAdmin()
	if err != nil {
		return err
	}
	defer cl.Close()
	if err := createTopic(s, adm, s.topic, 3, nil); err != nil {
		return err
	}
	b, err := newGroupMember(s, s.group, s.topic)
	if err != nil {
		return err
	}
	defer b.close()
	if !waitFor(s, 20*time.Second, func() bool { as, _, _ := b.snapshot(); return len(as) == 3 }) {
		return fail("the first member should get all 3 partitions", 3, 0)
	}
	a, err := newGroupMember(s, s.group, s.topic, kgo.InstanceID("compat-static"), kgo.SessionTimeout(20*time.Second))
	if err != nil {
		return err
	}
	asA, asB, ok := splitMembers(s, a, b, 3, 30*time.Second)
	if !ok {
		a.close()
		return fail("two members should split the 3 partitions", "disjoint non-empty assignments", map[string]any{"a": partList(asA), "b": partList(asB)})
	}
	time.Sleep(1500 * time.Millisecond) // let the cooperative second round settle
	asA, asB, _ = splitMembers(s, a, b, 3, 10*time.Second)
	_, genBefore := b.cl.GroupMetadata()
	a.close() // static: no LeaveGroup
	a2, err := newGroupMember(s, s.group, s.topic, kgo.InstanceID("compat-static"), kgo.SessionTimeout(20*time.Second))
	if err != nil {
		return err
	}
	defer a2.close()
	asA2, asB2, ok := splitMembers(s, a2, b, 3, 15*time.Second)
	if !ok || !mapsEqual(asA, asA2) || !mapsEqual(asB, asB2) {
		return fail("after the static member restarted, both members should hold their previous partitions",
			map[string]any{"static": partList(asA), "other": partList(asB)}, map[string]any{"static": partList(asA2), "other": partList(asB2)})
	}
	dg, err := adm.DescribeGroups(s.ctx, s.group)
	if err != nil {
		return err
	}
	g := dg[s.group]
	var instances []string
	for _, m := range g.Members {
		if m.InstanceID != nil {
			instances = append(instances, *m.InstanceID)
		}
	}
	_, genAfter := b.cl.GroupMetadata()
	s.observe("members", len(g.Members))
	s.observe("instanceIds", instances)
	s.observe("rebalancedOnRejoin", genAfter != genBefore)
	if len(g.Members) != 2 || fmt.Sprint(instances) != "[compat-static]" {
		return fail("DescribeGroups after the static member restarted", map[string]any{"members": 2, "instanceIds": []string{"compat-static"}},
			map[string]any{"members": len(g.Members), "instanceIds": instances})
	}
	pcl, err := newClient()
	if err != nil {
		return err
	}
	defer pcl.Close()
	want, err := produce(s, pcl, makeRecords(s.topic, s.name, 30, time.Now().Add(-time.Minute).Truncate(time.Millisecond), false))
	if err != nil {
		return err
	}
	waitFor(s, 20*time.Second, func() bool {
		_, ra, _ := a2.snapshot()
		_, rb, _ := b.snapshot()
		return len(ra)+len(rb) >= len(want)
	})
	time.Sleep(300 * time.Millisecond)
	a2.halt()
	b.halt()
	_, ra, _ := a2.snapshot()
	_, rb, _ := b.snapshot()
	got := append(recs(ra), recs(rb)...)
	sort.SliceStable(got, func(i, j int) bool { return got[i].Partition < got[j].Partition })
	return compareRecords(want, got)
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

// budget bounds the whole run (COMPAT_BUDGET_SECONDS, default 240) so that a broker that makes
// scenarios hang still gets a line for every scenario before the runner's own timeout.
func budget() time.Duration {
	if v, err := time.ParseDuration(os.Getenv("COMPAT_BUDGET_SECONDS") + "s"); err == nil && v > 0 {
		return v
	}
	return 240 * time.Second
}

// runBudgeted runs sd with its timeout cut to what is left of the budget, or reports it as not
// run when less than 5 s are left.
func runBudgeted(sd scenario, deadline time.Time, run func(scenario)) {
	left := time.Until(deadline)
	if left < 5*time.Second {
		fmt.Fprintf(os.Stderr, "[franz-go] %-28s not run (time budget used up)\n", sd.name)
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
		fmt.Fprintln(os.Stderr, "usage: franz-go-driver <bootstrap> <prefix>")
		os.Exit(2)
	}
	bootstrap, prefix = os.Args[1], os.Args[2]
	switch os.Getenv("COMPAT_LOG") {
	case "debug":
		logLevel = kgo.LogLevelDebug
	case "info":
		logLevel = kgo.LogLevelInfo
	case "none":
		logLevel = kgo.LogLevelNone
	}
	none, gzip, snappy, lz4, zstd := kgo.NoCompression(), kgo.GzipCompression(), kgo.SnappyCompression(), kgo.Lz4Compression(), kgo.ZstdCompression()
	scenarios := []scenario{
		{"api-versions", 30 * time.Second, scApiVersions},
		{"create-topic", 45 * time.Second, scCreateTopic},
		{"produce-default-codec", 45 * time.Second, produceScenario(nil, "snappy")},
		{"produce-none", 45 * time.Second, produceScenario(&none, "none")},
		{"produce-gzip", 45 * time.Second, produceScenario(&gzip, "gzip")},
		{"produce-snappy", 45 * time.Second, produceScenario(&snappy, "snappy")},
		{"produce-lz4", 45 * time.Second, produceScenario(&lz4, "lz4")},
		{"produce-zstd", 45 * time.Second, produceScenario(&zstd, "zstd")},
		{"produce-idempotent", 45 * time.Second, scProduceIdempotent},
		{"produce-transactional", 45 * time.Second, scProduceTransactional},
		{"consume-transform-produce", 90 * time.Second, scConsumeTransformProduce},
		{"transaction-fencing", 45 * time.Second, scTransactionFencing},
		{"produce-acks-leader", 45 * time.Second, scProduceAcks(kgo.LeaderAck())},
		{"produce-acks-none", 45 * time.Second, scProduceAcks(kgo.NoAck())},
		{"consume-from-beginning", 45 * time.Second, scConsumeFromBeginning},
		{"consume-at-offsets", 45 * time.Second, scConsumeAtOffsets},
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
		{"produce-large-record", 45 * time.Second, scProduceLargeRecord},
		{"produce-many", 60 * time.Second, scProduceMany},
		{"create-partitions", 45 * time.Second, scCreatePartitions},
		{"delete-group", 60 * time.Second, scDeleteGroup},
		{"produce-timestamps", 45 * time.Second, scProduceTimestamps},
		{"consume-read-committed", 45 * time.Second, scConsumeReadCommitted},
		{"produce-auto-create", 45 * time.Second, scProduceAutoCreate},
		{"group-session-timeout", 90 * time.Second, scGroupSessionTimeout},
		{"group-static-rejoin", 90 * time.Second, scGroupStaticRejoin},
		{"group-protocol-selection", 90 * time.Second, scGroupProtocolSelection},
	}
	pats := scenarioPatterns()
	deadline := time.Now().Add(budget())
	for _, sd := range scenarios {
		if selected(sd.name, pats) {
			runBudgeted(sd, deadline, runScenario)
		}
	}
}
