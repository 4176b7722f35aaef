package listen

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/api"
)

// The svix project's own test vector (TIPS.md).
const (
	rxSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	rxVecID   = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	rxVecTS   = 1614265330
	rxVecBody = `{"test": 2432232314}`
	rxVecSig  = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var rxOtherSecret = "whsec_" + base64.StdEncoding.EncodeToString([]byte("the other endpoint's key!"))

func rxSecrets(t testing.TB, ss ...string) []SigningSecret {
	t.Helper()
	var out []SigningSecret
	for i, s := range ss {
		p, err := ParseSigningSecret(i+1, s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// rxSigned returns svix-* headers signing body with secret at ts, as Svix
// sends them.
func rxSigned(t testing.TB, secret, id string, ts time.Time, body []byte) http.Header {
	t.Helper()
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, ts, body)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("svix-id", id)
	h.Set("svix-timestamp", strconv.FormatInt(ts.Unix(), 10))
	h.Set("svix-signature", sig)
	return h
}

func rxHas(hints []string, sub string) bool {
	for _, h := range hints {
		if strings.Contains(h, sub) {
			return true
		}
	}
	return false
}

func TestDiagnoseOfficialVector(t *testing.T) {
	h := http.Header{}
	h.Set("svix-id", rxVecID)
	h.Set("svix-timestamp", strconv.Itoa(rxVecTS))
	h.Set("svix-signature", rxVecSig)
	now := time.Unix(rxVecTS, 0).Add(90 * time.Second)
	d := Diagnose(h, []byte(rxVecBody), rxSecrets(t, rxOtherSecret, rxSecret), now)
	if !d.Verified || d.Matched != 1 || d.Problem != ProblemNone {
		t.Fatalf("the official vector should verify with the second secret: %+v", d)
	}
	if d.SignedPrefix != rxVecID+"."+strconv.Itoa(rxVecTS)+"." {
		t.Errorf("signed prefix %q", d.SignedPrefix)
	}
	if d.Expected[1].Signature != rxVecSig || d.Skew != 90*time.Second || d.Headers != "svix" {
		t.Errorf("expected %q, skew %s, headers %q", d.Expected[1].Signature, d.Skew, d.Headers)
	}
}

func TestDiagnoseTimestampOutsideTolerance(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"event_type":"task.completed"}`)
	for _, tc := range []struct {
		offset  time.Duration
		problem Problem
		reason  string
		hint    string
	}{
		{-10*time.Minute - 3*time.Second, ProblemTooOld, "timestamp is 10m3s behind this machine's clock", "sync this machine's clock"},
		{10 * time.Minute, ProblemTooNew, "timestamp is 10m0s ahead of this machine's clock", "clock is behind"},
		{-26 * time.Hour * 24, ProblemTooOld, "26d0h behind", "replayed"},
	} {
		h := rxSigned(t, rxSecret, "msg_1", now.Add(tc.offset), body)
		d := Diagnose(h, body, rxSecrets(t, rxSecret), now)
		if d.Verified || d.Problem != tc.problem || !strings.Contains(d.Reason, tc.reason) || !strings.Contains(d.Reason, "±5m") {
			t.Errorf("%s: %s %q", tc.offset, d.Problem, d.Reason)
		}
		if !rxHas(d.Hints, tc.hint) || !rxHas(d.Hints, "only the clock is wrong") {
			t.Errorf("%s: hints %q", tc.offset, d.Hints)
		}
	}

	h := rxSigned(t, rxSecret, "msg_1", now.Add(4*time.Minute), body)
	if d := Diagnose(h, body, rxSecrets(t, rxSecret), now); !d.Verified {
		t.Errorf("4 minutes ahead is inside the tolerance: %q", d.Reason)
	}
	h.Set("svix-timestamp", strconv.FormatInt(now.UnixMilli(), 10))
	if d := Diagnose(h, body, rxSecrets(t, rxSecret), now); d.Problem != ProblemTooNew || !rxHas(d.Hints, "milliseconds") {
		t.Errorf("a millisecond timestamp: %s %q %q", d.Problem, d.Reason, d.Hints)
	}
	h.Set("svix-timestamp", "2026-01-02T03:04:05Z")
	if d := Diagnose(h, body, rxSecrets(t, rxSecret), now); d.Problem != ProblemBadTimestamp || !rxHas(d.Hints, "ISO 8601") {
		t.Errorf("an ISO timestamp: %s %q %q", d.Problem, d.Reason, d.Hints)
	}
}

func TestDiagnoseMissingHeaders(t *testing.T) {
	now := time.Now()
	body := []byte(`{}`)
	for _, name := range []string{"svix-id", "svix-timestamp", "svix-signature"} {
		h := rxSigned(t, rxSecret, "msg_1", now, body)
		h.Del(name)
		d := Diagnose(h, body, rxSecrets(t, rxSecret), now)
		if d.Problem != ProblemMissingHeader || d.Reason != "missing header "+name || len(d.Missing) != 1 || d.Missing[0] != name {
			t.Errorf("without %s: %s %q %v", name, d.Problem, d.Reason, d.Missing)
		}
		if !rxHas(d.Hints, "proxy") {
			t.Errorf("without %s: no hint about proxies: %q", name, d.Hints)
		}
		if (d.ID == "msg_1") != (name != "svix-id") {
			t.Errorf("without %s: the id should still be shown: %q", name, d.ID)
		}
	}

	d := Diagnose(http.Header{}, body, rxSecrets(t, rxSecret), now)
	if d.Problem != ProblemMissingHeader || len(d.Missing) != 3 || !strings.Contains(d.Reason, "webhook-*") {
		t.Errorf("no headers at all: %q %v", d.Reason, d.Missing)
	}

	h := rxSigned(t, rxSecret, "msg_1", now, body)
	h["Svix_signature"] = h["Svix-Signature"]
	h.Del("svix-signature")
	d = Diagnose(h, body, rxSecrets(t, rxSecret), now)
	if !rxHas(d.Hints, `"Svix_signature": header names take hyphens`) {
		t.Errorf("an underscored header should be pointed at: %q", d.Hints)
	}

	// Half a set of each: the library needs one complete set.
	h = rxSigned(t, rxSecret, "msg_1", now, body)
	h.Set("webhook-signature", h.Get("svix-signature"))
	h.Del("svix-signature")
	if d := Diagnose(h, body, rxSecrets(t, rxSecret), now); d.Problem != ProblemMissingHeader || d.Reason != "missing header svix-signature" {
		t.Errorf("mixed sets: %q", d.Reason)
	}
}

func TestDiagnoseSignatureHeaderShapes(t *testing.T) {
	now := time.Now()
	body := []byte(`{"a":1}`)
	good := rxSigned(t, rxSecret, "msg_1", now, body).Get("svix-signature")
	secrets := rxSecrets(t, rxSecret)
	for _, tc := range []struct {
		sig      string
		verified bool
		problem  Problem
		reason   string
	}{
		{"v1,Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE= v1a,c2lnbmF0dXJl " + good + " v2,eHh4", true, ProblemNone, ""},
		{"v1a,c2lnbmF0dXJl v1a,b3RoZXI=", false, ProblemUnsupportedVersion, "only v1a signatures"},
		{"v2,c2lnbmF0dXJl", false, ProblemUnsupportedVersion, "only unsupported signature versions: v2"},
		{"t=1,v1=abcdef", false, ProblemMalformedSignature, "holds no version,signature pair"},
		{"v1,short", false, ProblemNoMatch, "no signature matched"},
	} {
		h := rxSigned(t, rxSecret, "msg_1", now, body)
		h.Set("svix-signature", tc.sig)
		d := Diagnose(h, body, secrets, now)
		if d.Verified != tc.verified || d.Problem != tc.problem || !strings.Contains(d.Reason, tc.reason) {
			t.Errorf("%q: verified %v, %s %q", tc.sig, d.Verified, d.Problem, d.Reason)
		}
	}
	h := rxSigned(t, rxSecret, "msg_1", now, body)
	h.Set("svix-signature", "v1,short")
	if d := Diagnose(h, body, secrets, now); !rxHas(d.Hints, "5 characters long, not 44") {
		t.Errorf("a cut signature should be named: %q", d.Hints)
	}
}

func TestDiagnoseWrongSecretShowsBothSignaturesAndNoSecret(t *testing.T) {
	now := time.Now()
	body := []byte(`{"event_type":"task.failed"}`)
	h := rxSigned(t, rxOtherSecret, "msg_2", now, body)
	d := Diagnose(h, body, rxSecrets(t, rxSecret, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), now)
	if d.Problem != ProblemNoMatch || d.Reason != "no signature matched" {
		t.Fatalf("%s %q", d.Problem, d.Reason)
	}
	if len(d.Expected) != 2 || len(d.Received) != 1 || d.Received[0].Value == strings.TrimPrefix(d.Expected[0].Signature, "v1,") {
		t.Fatalf("expected %+v received %+v", d.Expected, d.Received)
	}
	if d.Expected[0].Masked != api.Mask(rxSecret) || !strings.Contains(d.Expected[0].Masked, "••••") {
		t.Errorf("secret not masked: %q", d.Expected[0].Masked)
	}
	for _, want := range []string{"several endpoints", "secret 2 has no whsec_ prefix", "differs from what was signed"} {
		if !rxHas(d.Hints, want) {
			t.Errorf("no hint %q in %q", want, d.Hints)
		}
	}
	if all := fmt.Sprintf("%+v", d); strings.Contains(all, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
		t.Errorf("the diagnosis holds a secret: %s", all)
	}
}

func TestDiagnoseNamesSecretUsedAsText(t *testing.T) {
	now := time.Now()
	body := []byte(`{"x":1}`)
	wh, _ := svix.NewWebhookRaw([]byte(strings.TrimPrefix(rxSecret, "whsec_")))
	sig, _ := wh.Sign("msg_3", now, body)
	h := rxSigned(t, rxSecret, "msg_3", now, body)
	h.Set("svix-signature", sig)
	d := Diagnose(h, body, rxSecrets(t, rxSecret), now)
	if !strings.Contains(d.Reason, "secret's text as the key") || !rxHas(d.Hints, "base64-decode") {
		t.Errorf("%q %q", d.Reason, d.Hints)
	}
}

// The brief's headline case: the signer sent one serialization and the
// receiver got another. The reason names re-serialization and the hint the
// serializer that reproduces the signed bytes.
func TestDiagnoseReserializedBody(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		signed, received, names string
	}{
		{`{"event_type":"task.completed","data":{"progress":1}}`, `{"event_type": "task.completed", "data": {"progress": 1}}`, "JSON.stringify"},
		{`{"event_type": "task.completed", "data": {"progress": 1.0}}`, `{"event_type":"task.completed","data":{"progress":1.0}}`, "json.dumps writes it (Python)"},
		{`{"a":"\u00e9"}`, `{"a":"é"}`, `json.dumps(separators=(",", ":"))`},
		{`{"a":1,"b":2}`, `{"b":2,"a":1}`, "sorted keys"},
		{`{"a":1}`, "{\"a\":1}\n", "without its trailing newline"},
	} {
		h := rxSigned(t, rxSecret, "msg_4", now, []byte(tc.signed))
		d := Diagnose(h, []byte(tc.received), rxSecrets(t, rxOtherSecret, rxSecret), now)
		if d.Problem != ProblemNoMatch || !strings.Contains(d.BodyVariant, tc.names) || !rxHas(d.Hints, "with secret 2") {
			t.Errorf("signed %s, received %s: variant %q, reason %q, hints %q", tc.signed, tc.received, d.BodyVariant, d.Reason, d.Hints)
		}
		wantReason := "re-serialized after signing"
		if strings.Contains(tc.names, "newline") {
			wantReason = "changed after signing"
		}
		if !strings.Contains(d.Reason, wantReason) {
			t.Errorf("reason %q should say %q", d.Reason, wantReason)
		}
	}
}

// The re-encoders must write byte for byte what Node and Python write; the
// fixtures come from node 'JSON.stringify' and python3 'json.dumps' run on
// testdata/receiver/input.json.
func TestJSONStylesMatchNodeAndPython(t *testing.T) {
	input, err := os.ReadFile(filepath.Join("testdata", "receiver", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	root, ok := parseOrderedJSON(input)
	if !ok {
		t.Fatal("input.json does not parse")
	}
	want := map[string]string{}
	for _, f := range []string{"node.json", "python.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "receiver", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
	}
	byStyle := map[string]string{
		"node": jsonStyles[0].name, "node_indent2": jsonStyles[1].name, "py": jsonStyles[2].name, "py_sort": jsonStyles[3].name,
		"py_compact": jsonStyles[4].name, "py_unicode": jsonStyles[5].name, "py_indent2": jsonStyles[6].name, "py_indent4": jsonStyles[7].name,
	}
	for key, name := range byStyle {
		var st jsonStyle
		for _, s := range jsonStyles {
			if s.name == name {
				st = s
			}
		}
		if got := string(st.encode(root, len(input))); got != want[key] {
			t.Errorf("%s:\n got %s\nwant %s", key, got, want[key])
		}
	}
}

func TestParseSigningSecretErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "secret 1 is empty"},
		{"sk_live_abcdefghijklmnopqrstu", "looks like an API key"},
		{"whsec_abc def", "spaces"},
		{"whsec_not*base64!", "the part after whsec_ is not base64"},
		{"definitely not", "spaces"},
		{"plain_text_secret", "no whsec_ prefix and is not base64"},
	} {
		_, err := ParseSigningSecret(1, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if len(tc.in) > 12 && strings.Contains(err.Error(), tc.in[6:]) {
			t.Errorf("%q: the error shows the secret: %v", tc.in, err)
		}
	}
	s, err := ParseSigningSecret(2, "  "+rxSecret+"\n")
	if err != nil || s.NoPrefix {
		t.Errorf("surrounding whitespace should be trimmed: %v", err)
	}
}

// Diagnose explains; the library decides. Over random mutations of valid
// requests they must agree, or the explanation would contradict the status.
func TestDiagnoseAgreesWithLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	secrets := rxSecrets(t, rxOtherSecret, rxSecret)
	bodies := []string{`{"a":1}`, `{"a": 1}`, "", "not json", `{"a":1}` + "\n"}
	agree := 0
	for i := range 2000 {
		now := time.Now()
		offset := time.Duration(rng.IntN(1200)-600) * time.Second
		ts := now.Add(offset)
		body := []byte(bodies[rng.IntN(len(bodies))])
		h := rxSigned(t, []string{rxSecret, rxOtherSecret}[rng.IntN(2)], fmt.Sprintf("msg_%d", i), ts, body)
		switch rng.IntN(8) {
		case 0:
			body = []byte(bodies[rng.IntN(len(bodies))])
		case 1:
			h.Del([]string{"svix-id", "svix-timestamp", "svix-signature"}[rng.IntN(3)])
		case 2:
			for _, k := range []string{"id", "timestamp", "signature"} {
				h.Set("webhook-"+k, h.Get("svix-"+k))
				if rng.IntN(2) == 0 {
					h.Del("svix-" + k)
				}
			}
		case 3:
			h.Set("svix-signature", "v1a,xyz "+h.Get("svix-signature")+" v1,abc")
		case 4:
			h.Set("svix-signature", strings.Replace(h.Get("svix-signature"), "v1,", "v1a,", 1))
		case 5:
			h.Set("svix-id", h.Get("svix-id")+"x")
		}
		if d := ts.Sub(now).Abs() - SignatureTolerance; d > -2*time.Second && d < 2*time.Second {
			continue // the library reads the clock itself; skip the edge
		}
		d := Diagnose(h, body, secrets, time.Now())
		lib := -1
		for j, s := range secrets {
			if s.Verify(body, h) == nil {
				lib = j
				break
			}
		}
		if d.Verified != (lib >= 0) || d.Matched != lib {
			t.Fatalf("case %d: Diagnose says %v/%d (%s), the library %d; headers %v body %q", i, d.Verified, d.Matched, d.Reason, lib, h, body)
		}
		if d.Verified == (d.Problem != ProblemNone) {
			t.Fatalf("case %d: verified %v with problem %q", i, d.Verified, d.Problem)
		}
		agree++
	}
	if agree < 1500 {
		t.Errorf("only %d cases compared", agree)
	}
}

var rxUnclean = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

// FuzzDiagnose feeds hostile headers and bodies. Diagnose must not panic,
// must agree with the library, and must keep every string it returns free of
// control characters and of the computed signatures (except in Expected).
func FuzzDiagnose(f *testing.F) {
	now := time.Now()
	good := rxSigned(f, rxSecret, rxVecID, now, []byte(rxVecBody))
	f.Add(good.Get("svix-id"), good.Get("svix-timestamp"), good.Get("svix-signature"), "", []byte(rxVecBody))
	f.Add("msg_\x1b[2J", "1e3", "v1a,abc v1,\x1b]8;;x\x07", "webhook-", []byte("\x1b[31m{\"a\":\"\\u001b\"}"))
	f.Add("", "", "", "webhook-", []byte(`[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]`))
	f.Add("msg_1", "99999999999999999999", "v1, v1,,", "", []byte(`{"a":1e999,"b":-0,"a":2}`))
	secrets := rxSecrets(f, rxSecret, rxOtherSecret)
	f.Fuzz(func(t *testing.T, id, ts, sig, prefix string, body []byte) {
		if prefix != "webhook-" {
			prefix = "svix-"
		}
		h := http.Header{}
		h[http.CanonicalHeaderKey(prefix+"id")] = []string{id}
		h[http.CanonicalHeaderKey(prefix+"timestamp")] = []string{ts}
		h[http.CanonicalHeaderKey(prefix+"signature")] = []string{sig}
		clock := time.Now()
		d := Diagnose(h, body, secrets, clock)
		strs := append([]string{d.Reason, d.ID, d.SignedPrefix, d.BodyVariant, d.Headers}, d.Hints...)
		for _, r := range d.Received {
			strs = append(strs, r.Version, r.Value)
		}
		for _, s := range strs {
			if rxUnclean.MatchString(s) {
				t.Fatalf("control characters in %q", s)
			}
		}
		for _, e := range d.Expected {
			if strings.Contains(d.Reason, strings.TrimPrefix(e.Signature, "v1,")) {
				t.Fatalf("the reason holds a computed signature: %q", d.Reason)
			}
		}
		if secs, err := strconv.ParseInt(ts, 10, 64); err == nil {
			if e := clock.Sub(time.Unix(secs, 0)).Abs() - SignatureTolerance; e > -2*time.Second && e < 2*time.Second {
				return
			}
		}
		lib := false
		for _, s := range secrets {
			lib = lib || s.Verify(body, h) == nil
		}
		if d.Verified != lib {
			t.Fatalf("Diagnose %v, library %v (%s)", d.Verified, lib, d.Reason)
		}
	})
}

// BenchmarkDiagnoseMismatch is the cost of explaining a refused request,
// the worst case: a JSON body that no re-encoding explains.
func BenchmarkDiagnoseMismatch(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		var sb strings.Builder
		sb.WriteString(`{"items":[`)
		for i := 0; sb.Len() < size-100; i++ {
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, `{"id":"t_%d","progress":0.5,"name":"café"}`, i)
		}
		sb.WriteString(`]}`)
		body := []byte(sb.String())
		h := rxSigned(b, rxOtherSecret, "msg_b", time.Now(), body)
		secrets := rxSecrets(b, rxSecret)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			for b.Loop() {
				if d := Diagnose(h, body, secrets, time.Now()); d.Problem != ProblemNoMatch {
					b.Fatal(d.Reason)
				}
			}
		})
	}
}
