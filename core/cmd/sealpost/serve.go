package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/sealpost/sealpost/core/receiver"
)

// serve runs the intake: sealpost serve --addr HOST:PORT --store DIR [--config FILE].
// SIGINT or SIGTERM stops it after the requests in flight finish.
func (e *env) serve(args []string) error {
	fs := e.flags("serve", "serve [--addr HOST:PORT] --store DIR [--config FILE]")
	addr := fs.String("addr", "127.0.0.1:8082", "listen `address`")
	storeDir := fs.String("store", "", "`folder` to store reports in (created if missing)")
	cfgFile := fs.String("config", "", "receiver config `file` (JSON; see core/receiver's README section)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *storeDir == "" {
		return usageError("serve: --store DIR is required: the folder the reports are kept in")
	}
	cfg := &receiver.Config{ProofOfWork: receiver.DefaultProofOfWork()}
	if *cfgFile != "" {
		var err error
		if cfg, err = receiver.LoadConfig(*cfgFile); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	return receiver.Run(ctx, ln, *cfg, *storeDir, log)
}
