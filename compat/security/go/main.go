// The compat/security core scenario with sarama or franz-go, over one security mode:
//
//	secdriver -client sarama|franz-go -bootstrap HOST:PORT -mode MODE -topic T -group G
//	          [-steps produce,read,group] [-ca ca.pem] [-cert client.pem -key client.key]
//	          [-user U -password P] [-scope S]
//
// MODE: scram-sha-512 | scram-sha-256 | plain (SASL_SSL), ssl (TLS, client certificate when
// -cert/-key are given), oauth (SASL_PLAINTEXT OAUTHBEARER with an unsecured JWT for -user and
// -scope, as Kafka's OAuthBearerUnsecuredLoginCallbackHandler makes them).
// Steps, one output line each, a failure being an observation (exit code 0 either way):
//
//	produce  three records v1 v2 v3 to partition 0, acks=all
//	read     every record of partition 0 from the beginning, without a group
//	group    consume the topic in group G from the earliest offset, commit, then read the
//	         group's committed offset back with the admin API
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type opts struct {
	client, bootstrap, mode, topic, group, user, password, scope string
	tls                                                         *tls.Config
}

var values = []string{"v1", "v2", "v3"}

const deadline = 25 * time.Second

func main() {
	var o opts
	var steps, ca, cert, key string
	flag.StringVar(&o.client, "client", "", "sarama or franz-go")
	flag.StringVar(&o.bootstrap, "bootstrap", "", "host:port")
	flag.StringVar(&o.mode, "mode", "", "scram-sha-512, scram-sha-256, plain, ssl or oauth")
	flag.StringVar(&o.topic, "topic", "", "topic")
	flag.StringVar(&o.group, "group", "", "group id for the group step")
	flag.StringVar(&steps, "steps", "produce,read,group", "comma separated steps")
	flag.StringVar(&ca, "ca", "", "CA certificate (PEM)")
	flag.StringVar(&cert, "cert", "", "client certificate (PEM)")
	flag.StringVar(&key, "key", "", "client key (PEM)")
	flag.StringVar(&o.user, "user", "alice", "SASL user / OAUTHBEARER principal")
	flag.StringVar(&o.password, "password", "alice-secret", "SASL password")
	flag.StringVar(&o.scope, "scope", "kafka", "OAUTHBEARER scope claim")
	flag.Parse()
	if o.client == "" || o.bootstrap == "" || o.mode == "" || o.topic == "" {
		flag.Usage()
		os.Exit(2)
	}
	if o.mode != "oauth" {
		o.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		if ca != "" {
			pem, err := os.ReadFile(ca)
			if err != nil {
				fatal(err)
			}
			o.tls.RootCAs = x509.NewCertPool()
			if !o.tls.RootCAs.AppendCertsFromPEM(pem) {
				fatal(fmt.Errorf("no certificate in %s", ca))
			}
		}
		if cert != "" {
			pair, err := tls.LoadX509KeyPair(cert, key)
			if err != nil {
				fatal(err)
			}
			o.tls.Certificates = []tls.Certificate{pair}
		}
	}
	var d driver
	switch o.client {
	case "sarama":
		d = &saramaDriver{o: o}
	case "franz-go":
		d = &franzDriver{o: o}
	default:
		fatal(fmt.Errorf("unknown client %q", o.client))
	}
	defer d.close()
	for _, step := range strings.Split(steps, ",") {
		var line string
		var err error
		switch step {
		case "produce":
			err = d.produce()
			line = fmt.Sprintf("produced %d records", len(values))
		case "read":
			var got []string
			got, err = d.read()
			line = fmt.Sprintf("read from beginning %v", got)
		case "group":
			var got []string
			var committed int64
			got, committed, err = d.group()
			line = fmt.Sprintf("group consumed %v, committed offset %d", got, committed)
		default:
			fatal(fmt.Errorf("unknown step %q", step))
		}
		if err != nil {
			line = fmt.Sprintf("%s failed: %s", step, oneLine(err.Error()))
		}
		fmt.Println(line)
	}
}

type driver interface {
	produce() error
	read() ([]string, error)
	group() ([]string, int64, error)
	close()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "secdriver:", err)
	os.Exit(2)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// unsecuredJWT is what Kafka's OAuthBearerUnsecuredLoginCallbackHandler issues: alg none, no
// signature, sub/iat/exp and a scope claim.
func unsecuredJWT(sub, scope string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	return enc(map[string]any{"alg": "none"}) + "." + enc(map[string]any{"sub": sub, "iat": now, "exp": now + 3600, "scope": scope}) + "."
}
