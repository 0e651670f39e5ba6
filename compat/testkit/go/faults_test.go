// go test with franz-go against Rivulet's test kit over HTTP (README: "Test your application
// against Rivulet"). One Rivulet for the package, started in TestMain as
// `npx rivulet --memory --port 0 --admin-port 0` (or `node $RIVULET_CLI ...`), emptied with
// POST /reset after each test.
package example

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

var bootstrap, admin string

func TestMain(m *testing.M) {
	cmd := exec.Command("npx", "rivulet")
	if cli := os.Getenv("RIVULET_CLI"); cli != "" {
		cmd = exec.Command("node", cli)
	}
	cmd.Args = append(cmd.Args, "--memory", "--port", "0", "--admin-port", "0", "--log-level", "warn")
	cmd.Stderr = os.Stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting rivulet:", err)
		os.Exit(1)
	}
	// stdout: "Admin: http://127.0.0.1:PORT", then "Rivulet is ready. Bootstrap: 127.0.0.1:PORT"
	for lines := bufio.NewScanner(stdout); bootstrap == "" && lines.Scan(); {
		if line := lines.Text(); strings.HasPrefix(line, "Admin: ") {
			admin = strings.TrimPrefix(line, "Admin: ")
		} else if strings.HasPrefix(line, "Rivulet is ready. Bootstrap: ") {
			bootstrap = line[strings.LastIndex(line, " ")+1:]
		}
	}
	code := 1
	if bootstrap != "" && admin != "" {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, "rivulet exited before it was ready")
	}
	cmd.Process.Signal(os.Interrupt) // a graceful stop
	cmd.Wait()
	os.Exit(code)
}

// kit calls the admin port and decodes its JSON answer into out (when not nil).
func kit(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var payload bytes.Buffer
	if body != nil {
		json.NewEncoder(&payload).Encode(body)
	}
	req, _ := http.NewRequest(method, admin+path, &payload)
	req.Header.Set("content-type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e struct{ Error string }
		json.NewDecoder(res.Body).Decode(&e)
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, e.Error)
	}
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
}

func setup(t *testing.T) {
	t.Cleanup(func() { kit(t, "POST", "/reset", nil, nil) }) // no topics, groups, faults or recorded requests
	kit(t, "POST", "/topics", map[string]any{"name": "orders", "partitions": 1}, nil)
}

type requests struct {
	Requests []struct{ ApiName, ClientId string }
}

func TestProducerRetriesNotEnoughReplicas(t *testing.T) {
	setup(t)
	kit(t, "POST", "/faults", map[string]any{"api": "Produce", "topic": "orders", "error": "NOT_ENOUGH_REPLICAS", "times": 2}, nil)

	// franz-go reloads metadata before it retries a partition error, at most every MetadataMinAge (5 s).
	client, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.MetadataMinAge(50*time.Millisecond),
		kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sent, err := client.ProduceSync(ctx, &kgo.Record{Topic: "orders", Key: []byte("order-1"), Value: []byte("42.00")}).First()
	if err != nil || sent.Offset != 0 {
		t.Fatalf("produce: offset %v, %v", sent.Offset, err)
	}

	var produced requests
	kit(t, "GET", "/requests?api=Produce", nil, &produced)
	if len(produced.Requests) != 3 {
		t.Errorf("%d Produce requests, want 3 (two refused, one appended)", len(produced.Requests))
	}
	var faults struct{ Faults []any }
	kit(t, "GET", "/faults", nil, &faults)
	if len(faults.Faults) != 0 {
		t.Errorf("faults left: %v", faults.Faults)
	}
	var records struct{ Records []struct{ Value string } }
	kit(t, "GET", "/topics/orders/records", nil, &records)
	if len(records.Records) != 1 || records.Records[0].Value != "42.00" {
		t.Errorf("records %+v, want one 42.00", records.Records)
	}
}

func TestConsumerWaitsForTheCoordinator(t *testing.T) {
	setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	producer, _ := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	defer producer.Close()
	if err := producer.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte("42.00")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	kit(t, "POST", "/faults", map[string]any{"api": "FindCoordinator", "error": "COORDINATOR_NOT_AVAILABLE", "times": 3}, nil)

	consumer, _ := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumerGroup("billing"), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer consumer.Close()
	fetches := consumer.PollFetches(ctx) // returns once a record arrives, or ctx ends
	if err := fetches.Err(); err != nil {
		t.Fatal(err)
	}
	if recs := fetches.Records(); len(recs) != 1 || string(recs[0].Value) != "42.00" {
		t.Fatalf("consumed %d records, want one 42.00", len(recs))
	}

	var lookups requests
	kit(t, "GET", "/requests?api=FindCoordinator", nil, &lookups)
	if len(lookups.Requests) < 4 {
		t.Errorf("%d FindCoordinator requests, want three refused and one answered", len(lookups.Requests))
	}
}
