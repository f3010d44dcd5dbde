// Command loadgen drives an HTTP endpoint with a fixed number of keep-alive clients and prints
// the throughput and latency percentiles as one JSON object. It is the benchmarks' load client:
// a compiled client in its own process takes far less CPU per request than a Python one on the
// same cores, so the numbers measure the server rather than the client.
//
//	loadgen -base http://127.0.0.1:8004 -paths paths.txt -clients 32 -seconds 10 -warmup 2
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

type result struct {
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	Seconds  float64 `json:"seconds"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

func readPaths(name string) ([]string, error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var paths []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if line := scanner.Text(); line != "" {
			paths = append(paths, line)
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no paths", name)
	}
	return paths, scanner.Err()
}

// run lets every client request random paths until the deadline; it returns each request's
// latency and the number of requests that failed or did not answer 200.
func run(client *http.Client, base string, paths []string, clients int, until time.Time) ([]time.Duration, int) {
	var (
		mutex     sync.Mutex
		latencies []time.Duration
		errors    int
		group     sync.WaitGroup
	)
	for worker := range clients {
		group.Add(1)
		go func() {
			defer group.Done()
			random := rand.New(rand.NewPCG(uint64(worker), 7))
			var mine []time.Duration
			failed := 0
			for time.Now().Before(until) {
				started := time.Now()
				response, err := client.Get(base + paths[random.IntN(len(paths))])
				if err != nil {
					failed++
					continue
				}
				io.Copy(io.Discard, response.Body)
				response.Body.Close()
				mine = append(mine, time.Since(started))
				if response.StatusCode != http.StatusOK {
					failed++
				}
			}
			mutex.Lock()
			latencies = append(latencies, mine...)
			errors += failed
			mutex.Unlock()
		}()
	}
	group.Wait()
	return latencies, errors
}

func milliseconds(latencies []time.Duration, share float64) float64 {
	if len(latencies) == 0 {
		return 0
	}
	index := min(len(latencies)-1, int(share*float64(len(latencies))))
	return float64(latencies[index].Microseconds()) / 1000
}

func main() {
	base := flag.String("base", "http://127.0.0.1:8000", "scheme, host and port")
	pathsFile := flag.String("paths", "", "file with one request path per line, chosen at random")
	clients := flag.Int("clients", 32, "concurrent keep-alive connections")
	seconds := flag.Float64("seconds", 10, "measured duration")
	warmup := flag.Float64("warmup", 2, "unmeasured warm-up before the measured duration")
	flag.Parse()

	paths, err := readPaths(*pathsFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        *clients,
			MaxIdleConnsPerHost: *clients,
			MaxConnsPerHost:     *clients,
			DisableCompression:  true,
		},
	}
	duration := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	run(client, *base, paths, *clients, time.Now().Add(duration(*warmup)))

	started := time.Now()
	latencies, errors := run(client, *base, paths, *clients, started.Add(duration(*seconds)))
	elapsed := time.Since(started).Seconds()
	slices.Sort(latencies)
	out := result{
		Requests: len(latencies),
		Errors:   errors,
		Seconds:  elapsed,
		RPS:      float64(len(latencies)) / elapsed,
		P50:      milliseconds(latencies, 0.50),
		P90:      milliseconds(latencies, 0.90),
		P99:      milliseconds(latencies, 0.99),
	}
	if len(latencies) > 0 {
		out.Max = float64(latencies[len(latencies)-1].Microseconds()) / 1000
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
