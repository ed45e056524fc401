//go:build js

package web

import (
	"errors"
	"net/http"
)

// In a browser the program brings its client (the widget's sends with
// XMLHttpRequest); the default would link all of net/http's transport.
func defaultDoer() Doer { return noClient{} }

type noClient struct{}

func (noClient) Do(*http.Request) (*http.Response, error) {
	return nil, errors.New("no HTTP client: in a browser build, pass one (the widget passes its XMLHttpRequest client)")
}
