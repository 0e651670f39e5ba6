package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

type franzDriver struct {
	o       opts
	clients []*kgo.Client
}

func (d *franzDriver) mechanism() sasl.Mechanism {
	o := d.o
	auth := scram.Auth{User: o.user, Pass: o.password}
	switch o.mode {
	case "scram-sha-512":
		return auth.AsSha512Mechanism()
	case "scram-sha-256":
		return auth.AsSha256Mechanism()
	case "plain":
		return plain.Auth{User: o.user, Pass: o.password}.AsMechanism()
	case "oauth":
		return oauth.Auth{Token: unsecuredJWT(o.user, o.scope)}.AsMechanism()
	}
	return nil
}

func (d *franzDriver) client(extra ...kgo.Opt) (*kgo.Client, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(d.o.bootstrap), kgo.ClientID("secdriver-franz-go"), kgo.RequestRetries(2)}
	if d.o.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(d.o.tls))
	}
	if m := d.mechanism(); m != nil {
		opts = append(opts, kgo.SASL(m))
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err == nil {
		d.clients = append(d.clients, cl)
	}
	return cl, err
}

func (d *franzDriver) close() {
	for _, cl := range d.clients {
		cl.Close()
	}
}

func (d *franzDriver) produce() error {
	cl, err := d.client(kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var recs []*kgo.Record
	for _, v := range values {
		recs = append(recs, &kgo.Record{Topic: d.o.topic, Partition: 0, Value: []byte(v)})
	}
	return cl.ProduceSync(ctx, recs...).FirstErr()
}

func (d *franzDriver) poll(cl *kgo.Client) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var got []string
	for len(got) < len(values) {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return got, fmt.Errorf("%d of %d records in %s", len(got), len(values), deadline)
		}
		for _, e := range fetches.Errors() {
			if !errors.Is(e.Err, context.DeadlineExceeded) {
				return got, e.Err
			}
		}
		fetches.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	return got, nil
}

func (d *franzDriver) read() ([]string, error) {
	cl, err := d.client(kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{d.o.topic: {0: kgo.NewOffset().AtStart()}}))
	if err != nil {
		return nil, err
	}
	return d.poll(cl)
}

func (d *franzDriver) group() ([]string, int64, error) {
	cl, err := d.client(kgo.ConsumerGroup(d.o.group), kgo.ConsumeTopics(d.o.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		return nil, 0, err
	}
	got, err := d.poll(cl)
	if err != nil {
		return got, 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := cl.CommitUncommittedOffsets(ctx); err != nil {
		return got, 0, err
	}
	admin, err := d.client()
	if err != nil {
		return got, 0, err
	}
	offsets, err := kadm.NewClient(admin).FetchOffsets(ctx, d.o.group)
	if err != nil {
		return got, 0, err
	}
	if err := offsets.Error(); err != nil {
		return got, 0, err
	}
	o, ok := offsets.Lookup(d.o.topic, 0)
	if !ok {
		return got, -1, nil
	}
	return got, o.At, nil
}
