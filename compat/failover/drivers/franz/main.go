// The failover driver for franz-go (kgo), issue 11. The protocol is described at the top of
// compat/failover/check.mjs; this program only produces, consumes and reports.
//
//	failover <bootstrap> <topic> <group> <before> <after>
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func emit(v any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func logf(format string, a ...any) { fmt.Fprintf(os.Stderr, "[franz-failover] "+format+"\n", a...) }

func main() {
	if len(os.Args) != 7 || os.Args[1] != "failover" {
		fmt.Fprintln(os.Stderr, "usage: failover-franz failover <bootstrap> <topic> <group> <before> <after>")
		os.Exit(2)
	}
	bootstrap, topic, group := os.Args[2], os.Args[3], os.Args[4]
	before, _ := strconv.Atoi(os.Args[5])
	after, _ := strconv.Atoi(os.Args[6])
	seeds := strings.Split(bootstrap, ",")
	stdin := bufio.NewScanner(os.Stdin)
	var errMu sync.Mutex
	errors := []string{}
	addErr := func(s string) { errMu.Lock(); errors = append(errors, s); errMu.Unlock(); logf("%s", s) }

	// the group
	var mu sync.Mutex
	consumed := map[int]bool{}
	gcl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ClientID("rivulet-failover-franz"), kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		logf("consumer: %v", err)
		os.Exit(1)
	}
	gctx, gcancel := context.WithCancel(context.Background())
	gdone := make(chan struct{})
	go func() {
		defer close(gdone)
		for gctx.Err() == nil {
			fs := gcl.PollFetches(gctx)
			fs.EachError(func(t string, p int32, e error) {
				if gctx.Err() == nil {
					addErr(fmt.Sprintf("fetch %s-%d: %v", t, p, e))
				}
			})
			fs.EachRecord(func(r *kgo.Record) {
				if n, err := strconv.Atoi(strings.TrimPrefix(string(r.Value), "v-")); err == nil {
					mu.Lock()
					consumed[n] = true
					mu.Unlock()
				}
			})
		}
	}()

	// the producer: idempotent (kgo's default) with acks=all, explicit partitions
	pcl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ClientID("rivulet-failover-franz"), kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0), kgo.RecordDeliveryTimeout(120*time.Second))
	if err != nil {
		logf("producer: %v", err)
		os.Exit(1)
	}
	const partitions = 3
	acked := []int{}
	p0AckTimes := []int64{}
	killedAt := int64(-1)
	ackedAfterKill := 0
	var deadline time.Time
	for i := 0; ; i++ {
		partition := int32(i % partitions)
		ctx, cancel := context.WithTimeout(context.Background(), 130*time.Second)
		err := pcl.ProduceSync(ctx, &kgo.Record{Topic: topic, Partition: partition, Value: []byte(fmt.Sprintf("v-%d", i))}).FirstErr()
		cancel()
		if err != nil {
			addErr(fmt.Sprintf("send v-%d: %v", i, err))
		} else {
			acked = append(acked, i)
			if partition == 0 {
				p0AckTimes = append(p0AckTimes, time.Now().UnixMilli())
			}
			if killedAt >= 0 {
				ackedAfterKill++
			}
		}
		if killedAt < 0 && len(acked) >= before {
			emit(map[string]string{"event": "before"})
			if !stdin.Scan() || !strings.HasPrefix(stdin.Text(), "killed ") {
				logf("expected 'killed <ms>' on stdin")
				os.Exit(1)
			}
			killedAt, _ = strconv.ParseInt(strings.TrimPrefix(stdin.Text(), "killed "), 10, 64)
			deadline = time.Now().Add(120 * time.Second)
		}
		if killedAt >= 0 {
			p0After := false
			for _, t := range p0AckTimes {
				if t >= killedAt {
					p0After = true
				}
			}
			if p0After && ackedAfterKill >= after {
				break
			}
			if time.Now().After(deadline) {
				addErr("no acknowledged produce to partition 0 within 120 s of the kill")
				break
			}
		}
	}
	pcl.Close()
	emit(map[string]string{"event": "produced"})

	// the group keeps consuming: wait (bounded) until it has every acknowledged record
	until := time.Now().Add(60 * time.Second)
	for time.Now().Before(until) {
		mu.Lock()
		all := true
		for _, i := range acked {
			if !consumed[i] {
				all = false
				break
			}
		}
		mu.Unlock()
		if all {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	gcancel()
	<-gdone
	gcl.Close()
	mu.Lock()
	got := make([]int, 0, len(consumed))
	for i := range consumed {
		got = append(got, i)
	}
	mu.Unlock()
	sort.Ints(got)
	errMu.Lock()
	defer errMu.Unlock()
	emit(map[string]any{"event": "done", "acked": acked, "p0AckTimes": p0AckTimes, "consumed": got, "errors": errors})
}
