package main

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"time"

	"github.com/IBM/sarama"
	"github.com/xdg-go/scram"
)

// sarama leaves SCRAM to the application (its examples use xdg-go/scram); this is that adapter.
type scramClient struct {
	gen  scram.HashGeneratorFcn
	conv *scram.ClientConversation
}

func (c *scramClient) Begin(user, password, authzID string) error {
	cl, err := c.gen.NewClient(user, password, authzID)
	if err != nil {
		return err
	}
	c.conv = cl.NewConversation()
	return nil
}
func (c *scramClient) Step(challenge string) (string, error) { return c.conv.Step(challenge) }
func (c *scramClient) Done() bool                             { return c.conv.Done() }

type tokenProvider struct{ token string }

func (t tokenProvider) Token() (*sarama.AccessToken, error) {
	return &sarama.AccessToken{Token: t.token}, nil
}

type saramaDriver struct {
	o       opts
	clients []sarama.Client
}

func (d *saramaDriver) config() *sarama.Config {
	o := d.o
	cfg := sarama.NewConfig()
	cfg.Version = sarama.MaxVersion
	cfg.ClientID = "secdriver-sarama"
	if o.tls != nil {
		cfg.Net.TLS.Enable = true
		cfg.Net.TLS.Config = o.tls
	}
	if o.mode != "ssl" {
		cfg.Net.SASL.Enable = true
		cfg.Net.SASL.Handshake = true
		cfg.Net.SASL.User = o.user
		cfg.Net.SASL.Password = o.password
	}
	switch o.mode {
	case "scram-sha-512":
		cfg.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA512
		cfg.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{gen: sha512.New} }
	case "scram-sha-256":
		cfg.Net.SASL.Mechanism = sarama.SASLTypeSCRAMSHA256
		cfg.Net.SASL.SCRAMClientGeneratorFunc = func() sarama.SCRAMClient { return &scramClient{gen: sha256.New} }
	case "plain":
		cfg.Net.SASL.Mechanism = sarama.SASLTypePlaintext
	case "oauth":
		cfg.Net.SASL.Mechanism = sarama.SASLTypeOAuth
		cfg.Net.SASL.TokenProvider = tokenProvider{unsecuredJWT(o.user, o.scope)}
	}
	cfg.Metadata.Retry.Max = 2
	cfg.Metadata.Retry.Backoff = 200 * time.Millisecond
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	cfg.Producer.Retry.Max = 2
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cfg.Consumer.Return.Errors = true
	return cfg
}

func (d *saramaDriver) client() (sarama.Client, error) {
	cl, err := sarama.NewClient([]string{d.o.bootstrap}, d.config())
	if err == nil {
		d.clients = append(d.clients, cl)
	}
	return cl, err
}

func (d *saramaDriver) close() {
	for _, cl := range d.clients {
		cl.Close()
	}
}

func (d *saramaDriver) produce() error {
	cl, err := d.client()
	if err != nil {
		return err
	}
	producer, err := sarama.NewSyncProducerFromClient(cl)
	if err != nil {
		return err
	}
	defer producer.Close()
	var msgs []*sarama.ProducerMessage
	for _, v := range values {
		msgs = append(msgs, &sarama.ProducerMessage{Topic: d.o.topic, Partition: 0, Value: sarama.StringEncoder(v)})
	}
	err = producer.SendMessages(msgs)
	// SendMessages wraps the per-message errors: the first one says why.
	if errs, ok := err.(sarama.ProducerErrors); ok && len(errs) > 0 {
		return fmt.Errorf("%d messages failed, first: %w", len(errs), errs[0].Err)
	}
	return err
}

func (d *saramaDriver) read() ([]string, error) {
	cl, err := d.client()
	if err != nil {
		return nil, err
	}
	consumer, err := sarama.NewConsumerFromClient(cl)
	if err != nil {
		return nil, err
	}
	defer consumer.Close()
	pc, err := consumer.ConsumePartition(d.o.topic, 0, sarama.OffsetOldest)
	if err != nil {
		return nil, err
	}
	defer pc.Close()
	var got []string
	timeout := time.After(deadline)
	for len(got) < len(values) {
		select {
		case m := <-pc.Messages():
			got = append(got, string(m.Value))
		case e := <-pc.Errors():
			return got, e
		case <-timeout:
			return got, fmt.Errorf("%d of %d records in %s", len(got), len(values), deadline)
		}
	}
	return got, nil
}

type groupHandler struct {
	got    chan string
	cancel context.CancelFunc
}

func (h *groupHandler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *groupHandler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	n := 0
	for m := range c.Messages() {
		s.MarkMessage(m, "")
		h.got <- string(m.Value)
		if n++; n == len(values) {
			s.Commit()
			h.cancel()
		}
	}
	return nil
}

func (d *saramaDriver) group() ([]string, int64, error) {
	cl, err := d.client()
	if err != nil {
		return nil, 0, err
	}
	g, err := sarama.NewConsumerGroupFromClient(d.o.group, cl)
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	h := &groupHandler{got: make(chan string, 16), cancel: cancel}
	// The first error of the group's background work (Consumer.Return.Errors), read until Close.
	var asyncErr error
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for e := range g.Errors() {
			if asyncErr == nil {
				asyncErr = e
			}
		}
	}()
	var groupErr error
	for ctx.Err() == nil {
		if err := g.Consume(ctx, []string{d.o.topic}, h); err != nil {
			groupErr = err
			break
		}
	}
	timedOut := ctx.Err() == context.DeadlineExceeded
	g.Close()
	<-drained
	if groupErr == nil {
		groupErr = asyncErr
	}
	close(h.got)
	var got []string
	for v := range h.got {
		got = append(got, v)
	}
	if groupErr != nil {
		return got, 0, groupErr
	}
	if timedOut {
		return got, 0, fmt.Errorf("%d of %d records in %s", len(got), len(values), deadline)
	}
	admin, err := sarama.NewClusterAdminFromClient(cl)
	if err != nil {
		return got, 0, err
	}
	offsets, err := admin.ListConsumerGroupOffsets(d.o.group, map[string][]int32{d.o.topic: {0}})
	if err != nil {
		return got, 0, err
	}
	if offsets.Err != sarama.ErrNoError {
		return got, 0, offsets.Err
	}
	b := offsets.GetBlock(d.o.topic, 0)
	if b == nil {
		return got, -1, nil
	}
	if b.Err != sarama.ErrNoError {
		return got, 0, b.Err
	}
	return got, b.Offset, nil
}
