// Command server is an ordinary Go HTTP server that keeps a feed cached in
// memory: the kind of app apex/up users put on Lambda.
//
// On a normal server a background goroutine keeps the cache fresh. On Lambda
// the process is frozen between invocations, so that goroutine never runs
// while nobody is calling; the cache goes stale. The fix is to make the
// periodic work a request of its own, POST /tasks/refresh, which a skylift
// schedule calls. GET /ticks shows how often the goroutine's 100 ms ticker has
// fired, which makes the freeze visible.
//
// The "feed" is generated locally and deterministically, so the example needs
// no network.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const tickInterval = 100 * time.Millisecond

// timeFormat is RFC 3339 in UTC with a fixed six fractional digits, so the
// times sort as text and parse in any language (RFC3339Nano drops zeros).
const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

// Item is one entry of the feed.
type Item struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
}

// Feed is what GET / returns: the cached copy of the feed.
type Feed struct {
	Version     int    `json:"version"`
	RefreshedAt string `json:"refreshed_at"`
	RefreshedBy string `json:"refreshed_by"`
	Items       []Item `json:"items"`
}

// fetchFeed stands in for downloading the feed: version n of the feed has
// three items whose titles name n.
func fetchFeed(version int) []Item {
	items := make([]Item, 3)
	for i := range items {
		id := (version-1)*len(items) + i + 1
		items[i] = Item{ID: id, Title: fmt.Sprintf("story %d of feed version %d", id, version)}
	}
	return items
}

// backgroundWork is how long a background refresh works before it updates the cache.
const backgroundWork = 300 * time.Millisecond

// slowDownload stands in for downloading and parsing a large feed: busy for d.
func slowDownload(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

// Cache holds the current feed.
type Cache struct {
	mu   sync.Mutex
	feed Feed
}

// Refresh fetches the next version of the feed and returns it.
func (c *Cache) Refresh(by string) Feed {
	c.mu.Lock()
	defer c.mu.Unlock()
	version := c.feed.Version + 1
	c.feed = Feed{Version: version, RefreshedAt: time.Now().UTC().Format(timeFormat), RefreshedBy: by, Items: fetchFeed(version)}
	return c.feed
}

// Get returns the cached feed.
func (c *Cache) Get() Feed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.feed
}

// background is the goroutine a normal server relies on: it ticks every
// 100 ms and, if refreshEvery is positive, refreshes the cache that often.
func background(ctx context.Context, cache *Cache, ticks *atomic.Int64, refreshEvery time.Duration) {
	ticker := time.NewTicker(tickInterval)
	defer ticker.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			ticks.Add(1)
			if refreshEvery > 0 && now.Sub(last) >= refreshEvery {
				cache.Refresh("goroutine")
				last = now
			}
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	body, err := json.Marshal(value)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func route(method string, handle http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, method)})
			return
		}
		handle(w, r)
	}
}

func newHandler(cache *Cache, ticks *atomic.Int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no route for " + r.URL.Path})
			return
		}
		route(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, cache.Get())
		})(w, r)
	})
	mux.HandleFunc("/tasks/refresh", route(http.MethodPost, func(w http.ResponseWriter, r *http.Request) {
		// skylift's shim names the schedule that made this request.
		by := "request"
		if schedule := r.Header.Get("X-Skylift-Schedule"); schedule != "" {
			by = "schedule " + schedule
		}
		if r.URL.Query().Get("background") != "" {
			// Answer at once and refresh afterwards, as many servers do: on Lambda
			// this finishes only if the environment keeps running after the
			// response (skylift's afterResponse), else it is frozen mid-way.
			writeJSON(w, http.StatusAccepted, map[string]bool{"refreshing": true})
			go func() {
				slowDownload(backgroundWork)
				cache.Refresh(by + " (background)")
			}()
			return
		}
		writeJSON(w, http.StatusOK, cache.Refresh(by))
	}))
	mux.HandleFunc("/ticks", route(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int64{"ticks": ticks.Load()})
	}))
	return mux
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		log.Fatal("PORT is not set: the port to listen on (skylift sets it)")
	}
	var refreshEvery time.Duration
	if value := os.Getenv("FEED_REFRESH_EVERY"); value != "" {
		var err error
		if refreshEvery, err = time.ParseDuration(value); err != nil {
			log.Fatalf("FEED_REFRESH_EVERY must be a Go duration such as 5m, got %q", value)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	cache := &Cache{}
	cache.Refresh("start")
	var ticks atomic.Int64
	go background(ctx, cache, &ticks, refreshEvery)

	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{
		Handler:           newHandler(cache, &ticks),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		server.Shutdown(shutdown)
	}()
	log.Printf("go-feeds: listening on %s", listener.Addr())
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
