// Command receiver is Sealpost's reference receiver: it accepts sealed
// reports, stores them durably in a local folder and, when configured,
// relays each one to the security team's mailbox as a PGP/MIME email.
//
//	go run ./demo/receiver -addr 127.0.0.1:8082 -store DIR [-config FILE]
//
// See package server for the API. SIGINT or SIGTERM stops it after the
// requests in flight finish.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sealpost/sealpost/demo/receiver/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "listen `address`")
	storeDir := flag.String("store", "receiver-store", "`folder` to store reports in")
	cfgFile := flag.String("config", "", "receiver config `file` (JSON: max_bytes, allowed_origins, rate_per_minute, burst, relay)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *storeDir, *cfgFile, log); err != nil {
		fmt.Fprintf(os.Stderr, "receiver: error: %v\n", err)
		os.Exit(1)
	}
}

func run(addr, storeDir, cfgFile string, log *slog.Logger) error {
	cfg := &server.Config{}
	if cfgFile != "" {
		var err error
		if cfg, err = server.LoadConfig(cfgFile); err != nil {
			return err
		}
	}
	store, err := server.OpenStore(storeDir)
	if err != nil {
		return err
	}
	rc := server.New(*cfg, store, log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	relayDone := make(chan struct{})
	if cfg.Relay != nil {
		relay := &server.Relay{Config: *cfg.Relay, Store: store, Log: log, Wake: make(chan struct{}, 1)}
		rc.Stored = func(*server.Stored) {
			select {
			case relay.Wake <- struct{}{}:
			default:
			}
		}
		go func() { relay.Run(ctx); close(relayDone) }()
	} else {
		close(relayDone)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rc, ReadHeaderTimeout: 10 * time.Second}
	log.Info("receiver listening", "addr", "http://"+ln.Addr().String(), "store", storeDir)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("receiver stopping: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	<-relayDone
	return nil
}
