//go:build !js

package web

import "net/http"

func defaultDoer() Doer { return http.DefaultClient }
