package cmd

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Each way the API can fail before the dashboard starts is one plain line
// on stderr that says what happened and what to do, exit code 1, nothing
// on stdout, no escape codes, no key.
func TestDashboardStartFaultsArePlainErrors(t *testing.T) {
	was := pingTimeout
	pingTimeout = 2 * time.Second
	t.Cleanup(func() { pingTimeout = was })

	answer := func(status int, body string, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			w.Write([]byte(body))
		}
	}
	refused := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr
	}
	serve := func(h http.HandlerFunc) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(h)
			t.Cleanup(func() {
				srv.CloseClientConnections()
				srv.Close()
			})
			return srv.URL
		}
	}
	for _, c := range []struct {
		name string
		url  func(t *testing.T) string
		want []string
	}{
		{"401", serve(answer(401, `{"detail":"Invalid API key"}`)), []string{"401 from GET", "API key was refused", "ASPECT_API_KEY", "Invalid API key"}},
		{"403", serve(answer(403, `{"detail":"Forbidden"}`)), []string{"403 from GET", "not allowed to use this route"}},
		{"404", serve(answer(404, `{"detail":"Not Found"}`)), []string{"404 from GET", "/tasks/active", "no such route", "API URL"}},
		{"422", serve(answer(422, `{"detail":[{"loc":["query","limit"],"msg":"must be positive","type":"value_error"}]}`)), []string{"422 from GET", "query.limit: must be positive"}},
		{"429 with Retry-After", serve(answer(429, `{"detail":"slow down"}`, "Retry-After", "120")), []string{"429 from GET", "rate limited", "wait 2m0s", "slow down"}},
		{"500", serve(answer(500, `{"detail":"boom"}`)), []string{"500 from GET", "the API failed; try again later: boom", "attempts"}},
		{"502 from a proxy", serve(answer(502, "<html><body>Bad Gateway</body></html>")), []string{"502 from GET", "the API failed; try again later: Bad Gateway ("}},
		{"connection refused", refused, []string{"connection refused", "ASPECT_API_URL"}},
		{"no answer", serve(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }), []string{"no answer in time", "check the API URL"}},
		{"body cut mid-way", serve(func(w http.ResponseWriter, r *http.Request) {
			conn, buf, _ := w.(http.Hijacker).Hijack()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n[{\"id\":\"t1\",\"feat")
			buf.Flush()
			conn.Close()
		}), []string{"answer was cut short"}},
		{"DNS failure", func(*testing.T) string { return "http://aspect-tui-fault-test.invalid" }, []string{"cannot resolve host aspect-tui-fault-test.invalid", "DNS"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ASPECT_API_KEY": "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "ASPECT_API_URL": c.url(t), "XDG_CONFIG_HOME": t.TempDir()}
			start := time.Now()
			code, out, errOut := runCLI(t, env)
			if code != 1 || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if !strings.HasPrefix(errOut, "aspect-tui dashboard: cannot reach the API: ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("want one line saying the API cannot be reached, got %q", errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not say %q", errOut, w)
				}
			}
			if strings.ContainsRune(errOut, 0x1b) || strings.Contains(errOut, "4eC39HqLyjWDarjtT1zdp7dc") {
				t.Errorf("stderr holds escape codes or the key: %q", errOut)
			}
			if el := time.Since(start); el > pingTimeout+3*time.Second {
				t.Errorf("took %v to say so", el)
			}
		})
	}
}
