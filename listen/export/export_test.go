package export_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/listen/export"
)

const (
	secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" // Svix's documented test vector secret
	body   = `{"event_type":"task.failed","data":{"task":{"id":"t_1","note":"it's \u00e9 1.0"}}}`
)

// receiver runs `aspect-tui listen`'s receiver on loopback with secret and
// returns it with the requests it publishes.
func receiver(t *testing.T) (*listen.Receiver, <-chan listen.Request) {
	t.Helper()
	r, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{secret}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	ch := make(chan listen.Request, 16)
	go func() {
		defer close(ch)
		for {
			ds, ok := r.Take(context.Background(), 16)
			if !ok {
				return
			}
			for _, d := range ds {
				ch <- d
				d.Done()
			}
		}
	}()
	return r, ch
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed here, so the exported command cannot be run", tool)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestCurlAsExportedIsAnswered204ByListen(t *testing.T) {
	need(t, "sh", "curl")
	r, got := receiver(t)
	sign, err := export.SignWith(secret)
	if err != nil {
		t.Fatal(err)
	}
	d := export.Delivery{ID: "msg_curl1", EventType: "task.failed", Body: []byte(body), URL: r.URL() + "/hooks"}
	cmd, err := export.Curl(d, sign, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cmd, "±5 minutes") {
		t.Errorf("the command does not say how long it is good for:\n%s", cmd)
	}
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if lastLine(string(out)) != "204" {
		t.Fatalf("listen answered %q, want 204:\n%s", out, cmd)
	}
	req := <-got
	if !req.Verified || string(req.Body) != body || req.SvixID != "msg_curl1" {
		t.Errorf("listen saw verified=%v id=%q body=%q", req.Verified, req.SvixID, req.Body)
	}
}

func TestCurlSignedLongAgoIsRefused(t *testing.T) {
	need(t, "sh", "curl")
	r, got := receiver(t)
	sign, _ := export.SignWith(secret)
	cmd, err := export.Curl(export.Delivery{ID: "msg_old", Body: []byte(body), URL: r.URL() + "/"}, sign, time.Now().Add(-10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("sh", "-c", cmd).CombinedOutput()
	if lastLine(string(out)) != "400" {
		t.Fatalf("a command signed 10 minutes ago was answered %q, want 400", out)
	}
	if req := <-got; req.Problem != listen.ProblemTooOld {
		t.Errorf("refused for %v, want the timestamp", req.Problem)
	}
}

func TestScriptSignsWhenItRunsWithTheSecretFromTheEnvironment(t *testing.T) {
	need(t, "sh", "curl", "openssl", "od")
	r, got := receiver(t)
	d := export.Delivery{ID: "msg_script", Body: []byte(body), URL: "http://127.0.0.1:1/nowhere"}
	script, err := export.Script(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(script, strings.TrimPrefix(secret, "whsec_")) {
		t.Fatal("the script holds the secret")
	}
	path, err := export.WriteFile(t.TempDir(), export.File{Name: "redeliver.sh", Data: []byte(script)})
	if err != nil {
		t.Fatal(err)
	}
	// Without the secret it says what to set and sends nothing.
	cmd := exec.Command("sh", path, r.URL()+"/x")
	cmd.Env = append(os.Environ(), "ASPECT_WEBHOOK_SECRET=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ASPECT_WEBHOOK_SECRET") {
		t.Fatalf("without a secret: err %v, output %q", err, out)
	}
	cmd = exec.Command("sh", path, r.URL()+"/x") // the URL given replaces the default
	cmd.Env = append(os.Environ(), "ASPECT_WEBHOOK_SECRET="+secret)
	out, err = cmd.CombinedOutput()
	if err != nil || lastLine(string(out)) != "204" {
		t.Fatalf("err %v, output %q", err, out)
	}
	if req := <-got; !req.Verified || string(req.Body) != body {
		t.Errorf("listen saw verified=%v body=%q", req.Verified, req.Body)
	}
}

func writeFixture(t *testing.T) string {
	t.Helper()
	files, err := export.Fixture(export.Delivery{ID: "msg_fix1", Body: []byte(body)}, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := export.WriteDir(t.TempDir(), "fixture-msg_fix1", files)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFixtureIsSignedWithTheTestSecretItNames(t *testing.T) {
	dir := writeFixture(t)
	for _, name := range []string{export.BodyFile, export.HeadersFile, export.GoTest, export.TSTest, export.PyTest, export.ReadmeFile} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", name, st.Mode().Perm())
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, export.BodyFile))
	if string(b) != body {
		t.Errorf("body.json is %q, not the body byte for byte", b)
	}
	readme, _ := os.ReadFile(filepath.Join(dir, export.ReadmeFile))
	if !strings.Contains(string(readme), export.TestSecret) || !strings.Contains(string(readme), "TEST secret") {
		t.Errorf("the fixture does not name its test secret:\n%s", readme)
	}
}

func TestGoFixturePassesInItsOwnModule(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	dir := writeFixture(t)
	cmd := exec.Command(gobin, "test", "-count=1", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the fixture: %v\n%s", err, out)
	}
	// Tampered with, it fails: the test checks something.
	os.WriteFile(filepath.Join(dir, export.BodyFile), []byte(strings.Replace(body, "t_1", "t_2", 1)), 0o600)
	cmd = exec.Command(gobin, "test", "-count=1", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "does not verify") {
		t.Fatalf("a tampered body passed: %v\n%s", err, out)
	}
}

func TestPythonFixturePasses(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed here, so the Python fixture test is not run")
	}
	dir := writeFixture(t)
	run := func() ([]byte, error) {
		cmd := exec.Command("python3", "-m", "unittest", "-v", "test_fixture")
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}
	if out, err := run(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, export.BodyFile), []byte(body+" "), 0o600)
	if out, err := run(); err == nil || !strings.Contains(string(out), "does not verify") {
		t.Fatalf("a tampered body passed: %v\n%s", err, out)
	}
}

func TestTypeScriptFixturePasses(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed here, so the TypeScript fixture test is not run")
	}
	dir := writeFixture(t)
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command("node", args...)
		cmd.Dir = dir
		return cmd.CombinedOutput()
	}
	v, _ := exec.Command("node", "--version").Output()
	if m := regexp.MustCompile(`^v(\d+)\.(\d+)`).FindStringSubmatch(string(v)); m != nil && (atoi(m[1]) > 22 || atoi(m[1]) == 22 && atoi(m[2]) >= 6) {
		if out, err := run("--experimental-strip-types", "--test", export.TSTest); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	// An older node cannot run TypeScript: run the same test with its
	// type annotations taken out, which checks everything but the types.
	ts, err := os.ReadFile(filepath.Join(dir, export.TSTest))
	if err != nil {
		t.Fatal(err)
	}
	js := regexp.MustCompile(`: (string|Buffer|boolean|Record<string, string>|\{ event_type\?: string \})`).ReplaceAll(ts, nil)
	if err := os.WriteFile(filepath.Join(dir, "fixture.test.mjs"), js, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run("--test", "fixture.test.mjs"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	os.WriteFile(filepath.Join(dir, export.BodyFile), []byte(body+" "), 0o600)
	if out, err := run("--test", "fixture.test.mjs"); err == nil || !strings.Contains(string(out), "does not verify") {
		t.Fatalf("a tampered body passed: %v\n%s", err, out)
	}
	t.Logf("node %s cannot run TypeScript itself (--experimental-strip-types needs 22.6), so the TypeScript test ran with its type annotations taken out", strings.TrimSpace(string(v)))
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestAnUnwritableDirectoryIsAClearErrorAndLeavesNothing(t *testing.T) {
	parent := t.TempDir()
	notDir := filepath.Join(parent, "file")
	os.WriteFile(notDir, nil, 0o600)
	if _, err := export.WriteFile(notDir, export.File{Name: "x.sh", Data: []byte("x")}); err == nil || !strings.Contains(err.Error(), "cannot write to "+notDir) {
		t.Errorf("a file as the directory: %v", err)
	}
	if _, err := export.WriteDir(filepath.Join(parent, "missing"), "f", nil); err == nil || !strings.Contains(err.Error(), "--export-dir") {
		t.Errorf("a missing directory: %v", err)
	}
	// A file that fails half way through a fixture: nothing is left.
	_, err := export.WriteDir(parent, "fixture", []export.File{{Name: "body.json", Data: []byte("{}")}, {Name: "sub/x", Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("err %v", err)
	}
	left, _ := os.ReadDir(parent)
	if len(left) != 1 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left behind: %v", names)
	}
}

func TestWritingTwiceKeepsBoth(t *testing.T) {
	dir := t.TempDir()
	a, err := export.WriteFile(dir, export.File{Name: "r.sh", Data: []byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := export.WriteFile(dir, export.File{Name: "r.sh", Data: []byte("b")})
	if err != nil {
		t.Fatal(err)
	}
	if a == b || filepath.Base(b) != "r-2.sh" {
		t.Fatalf("%s then %s", a, b)
	}
	if got, _ := os.ReadFile(a); string(got) != "a" {
		t.Errorf("the first was overwritten: %q", got)
	}
}
