package report

import (
	"crypto/sha256"
	"encoding/hex"
)

func attach(name, typ string, body []byte) Attachment {
	sum := sha256.Sum256(body)
	return Attachment{Name: name, Type: typ, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
}
