package web

import (
	"net/http"
	"runtime"
	"testing"
)

type mine struct{}

func (mine) Do(*http.Request) (*http.Response, error) { return nil, nil }

func TestOr(t *testing.T) {
	if _, ok := Or(mine{}).(mine); !ok {
		t.Error("a given client is not used")
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/", nil)
	_, err := Or(nil).Do(req)
	switch {
	case runtime.GOOS == "js" && (err == nil || err.Error() == ""):
		t.Error("the browser build has a default client")
	case runtime.GOOS != "js" && Or(nil) != Doer(http.DefaultClient):
		t.Error("the default is not http.DefaultClient")
	}
}
