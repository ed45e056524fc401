package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/sealpost/sealpost/core/config"
)

const configSignSynopsis = "config sign --secret-key FILE [--passphrase-file FILE] [--out FILE] CONFIG"

// configSign writes a detached armored signature of a vendor config
// (config.Sign), CONFIG.asc by default: a widget built with
// CONFIG_SIGNER=FINGERPRINT loads the config only with it. The config is
// checked first; the key that signs is the one it pins (or, when it pins
// none, the newest that can sign), since the widget verifies the
// signature with the config's own key.
func (e *env) configSign(args []string) error {
	fs := e.flags("config sign", configSignSynopsis)
	keyFile := fs.String("secret-key", "", "the vendor's secret key `file` (the key the config names)")
	passFile := fs.String("passphrase-file", "", "`file` holding the secret key's passphrase (or set SEALPOST_PASSPHRASE)")
	out := fs.String("out", "", "the signature `file` to write; default CONFIG.asc (replaced: sign each version you publish)")
	files, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(files) != 1 || *keyFile == "" {
		return usageError("usage: sealpost " + configSignSynopsis)
	}
	name := files[0]
	data, err := readAtMost(name, config.MaxBytes)
	if err != nil {
		return err
	}
	cfg, err := config.Load(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w; fix it before signing (sealpost config check %s)", name, err, name)
	}
	secret, err := e.secretKeys(*keyFile, *passFile)
	if err != nil {
		return err
	}
	signer, err := configSigner(secret, cfg.Key.Fingerprint, e.now())
	if err != nil {
		return fmt.Errorf("%s: %w", *keyFile, err)
	}
	fpr := fingerprintOf(signer)
	if *out == "" {
		*out = name + ".asc"
	}
	var sig bytes.Buffer
	if err := config.Sign(&sig, data, signer, e.now); err != nil {
		return err
	}
	if err := writeReplacing(*out, sig.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s signed by %s\n", *out, name, fpr)
	fmt.Fprintf(e.stdout, "Serve it next to the config, and build the widget to ask for it: make build CONFIG_URL=... CONFIG_SIGNER=%s\n", fpr)
	if cfg.Key.Fingerprint == "" {
		fmt.Fprintf(e.stdout, "note: the config does not pin its key; the widget takes only key %s\n", fpr)
	}
	return nil
}

// configSigner picks the key that signs a config: the one it pins, or,
// when it pins none, the newest that can sign.
func configSigner(secret openpgp.EntityList, pin string, now time.Time) (*openpgp.Entity, error) {
	pin = config.NormalizeFingerprint(pin)
	var signer *openpgp.Entity
	for _, ent := range secret {
		if ent.PrivateKey == nil {
			continue
		}
		if _, ok := ent.SigningKey(now); !ok {
			continue
		}
		switch {
		case pin != "" && fingerprintOf(ent) == pin:
			return ent, nil
		case pin == "" && (signer == nil || ent.PrimaryKey.CreationTime.After(signer.PrimaryKey.CreationTime)):
			signer = ent
		}
	}
	switch {
	case pin != "":
		return nil, fmt.Errorf("no secret key that can sign is for key %s, which the config pins: the widget checks the signature with the config's key", pin)
	case signer == nil:
		return nil, fmt.Errorf("no secret key in it can sign (expired, revoked, or encryption only): use the vendor's current secret key")
	}
	return signer, nil
}

func fingerprintOf(e *openpgp.Entity) string { return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint) }

// writeReplacing writes data to name through a temporary file in its
// folder, so that a reader never sees half a signature.
func writeReplacing(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".sealpost-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
