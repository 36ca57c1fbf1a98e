package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func serve(t *testing.T, h http.Handler, method, path string, header http.Header) (int, string) {
	t.Helper()
	request := httptest.NewRequest(method, path, nil)
	for name, values := range header {
		request.Header[name] = values
	}
	recorder := httptest.NewRecorder()
	h.ServeHTTP(recorder, request)
	return recorder.Code, strings.TrimSpace(recorder.Body.String())
}

func TestRoutes(t *testing.T) {
	cache := &Cache{}
	cache.Refresh("start")
	var ticks atomic.Int64
	ticks.Store(7)
	h := newHandler(cache, &ticks)

	cases := []struct {
		method, path string
		header       http.Header
		status       int
		body         string
	}{
		{"GET", "/ticks", nil, 200, `{"ticks":7}`},
		{"POST", "/ticks", nil, 405, `{"error":"POST /ticks: use GET"}`},
		{"GET", "/tasks/refresh", nil, 405, `{"error":"GET /tasks/refresh: use POST"}`},
		{"PUT", "/", nil, 405, `{"error":"PUT /: use GET"}`},
		{"GET", "/nope", nil, 404, `{"error":"no route for /nope"}`},
	}
	for _, c := range cases {
		status, body := serve(t, h, c.method, c.path, c.header)
		if status != c.status || body != c.body {
			t.Errorf("%s %s = %d %s, want %d %s", c.method, c.path, status, body, c.status, c.body)
		}
	}

	_, body := serve(t, h, "POST", "/tasks/refresh", http.Header{"X-Skylift-Schedule": {"refresh"}})
	var refreshed Feed
	if err := json.Unmarshal([]byte(body), &refreshed); err != nil {
		t.Fatal(err)
	}
	_, body = serve(t, h, "GET", "/", nil)
	var current Feed
	if err := json.Unmarshal([]byte(body), &current); err != nil {
		t.Fatal(err)
	}
	if refreshed.Version != 2 || refreshed.RefreshedBy != "schedule refresh" || current.RefreshedAt != refreshed.RefreshedAt {
		t.Errorf("after the scheduled refresh: %+v, then GET / = %+v", refreshed, current)
	}
	if got := current.Items[0].Title; got != "story 4 of feed version 2" {
		t.Errorf("first item of version 2 = %q", got)
	}
}

// On an ordinary server (FEED_REFRESH_EVERY set) the goroutine refreshes the
// cache by itself: exactly what stops happening on Lambda.
func TestBackgroundRefreshOnAnOrdinaryServer(t *testing.T) {
	cache := &Cache{}
	cache.Refresh("start")
	var ticks atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go background(ctx, cache, &ticks, 200*time.Millisecond)

	deadline := time.Now().Add(5 * time.Second)
	for cache.Get().Version < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if feed := cache.Get(); feed.Version < 2 || feed.RefreshedBy != "goroutine" {
		t.Fatalf("the goroutine did not refresh the cache within 5 s: %+v (ticks %d)", feed, ticks.Load())
	}
}
