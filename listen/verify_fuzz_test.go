package listen

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzSignatureHeader builds the signature headers the way senders get
// them wrong: svix- or webhook- names (or both, one set incomplete), a
// signature header of arbitrary space-separated entries with the real
// signature among them at any place and under any version tag, and a
// timestamp inside or outside the tolerance. Diagnose must agree with the
// svix library, must verify whenever a well-formed v1 entry of the right
// signature is read, and every string it and HeaderLines return must be
// clean and free of the secrets.
func FuzzSignatureHeader(f *testing.F) {
	f.Add(uint8(0), "msg_1", int64(0), "", uint8(0), "v1", []byte(`{"a":1}`))
	f.Add(uint8(1), "msg_2", int64(-299), "v1a,AAAA v2,BBBB", uint8(1), "v1", []byte(`{}`))
	f.Add(uint8(2), "msg_3", int64(301), "v1,short  v1,", uint8(2), "v1", []byte(""))
	f.Add(uint8(3), "msg_\x1b]0;x\x07", int64(10), "v1,AAA=,extra v1,\u202e", uint8(9), "v1a", []byte("\x1b[2J"))
	f.Add(uint8(4), "", int64(-1000), "t=1,v1=abc", uint8(0), "V1", []byte(`{"a":1}`))
	f.Add(uint8(5), "msg_5", int64(5), "v1,"+strings.Repeat("A", 44)+" v1,x", uint8(3), " v1", []byte(`[1]`))
	secrets := rxSecrets(f, rxSecret, rxOtherSecret)
	f.Fuzz(func(t *testing.T, shape uint8, id string, offset int64, others string, pos uint8, version string, body []byte) {
		now := time.Now()
		// Within ±10 minutes, whole seconds, away from the tolerance's
		// edges where the library reads its own clock a moment later.
		offset %= 600
		if d := offset*offset - 300*300; d > -4*300 && d < 4*300 {
			offset += 10
		}
		ts := now.Add(time.Duration(offset) * time.Second)
		want, err := secrets[0].wh.Sign(id, ts, body)
		if err != nil {
			t.Fatal(err)
		}
		real := version + want[len("v1"):]
		entries := strings.Split(others, " ")
		if len(others) == 0 {
			entries = nil
		}
		at := int(pos) % (len(entries) + 1)
		entries = append(entries[:at], append([]string{real}, entries[at:]...)...)
		sig := strings.Join(entries, " ")
		stamp := strconv.FormatInt(ts.Unix(), 10)

		h := http.Header{}
		set := func(prefix, id, ts, sig string) {
			h.Set(prefix+"-id", id)
			h.Set(prefix+"-timestamp", ts)
			h.Set(prefix+"-signature", sig)
		}
		readSig := true // whether the set that holds sig is the one read
		switch shape % 6 {
		case 0:
			set("svix", id, stamp, sig)
		case 1:
			set("webhook", id, stamp, sig)
		case 2: // svix incomplete: the webhook set is read
			set("webhook", id, stamp, sig)
			h.Set("svix-id", id)
			h.Set("svix-timestamp", stamp)
		case 3: // both complete: svix wins, and it holds junk
			set("webhook", id, stamp, sig)
			set("svix", id, stamp, others)
			readSig = false
		case 4: // the same header twice: Get reads the first
			set("svix", id, stamp, sig)
			h.Add("svix-signature", "v1,second")
		case 5: // a credential and a secret among the other headers
			set("svix", id, stamp, sig)
			h.Set("Authorization", "Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc")
			h.Set("X-Debug", others+" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
		}

		d := Diagnose(h, body, secrets, now)
		lib := -1
		for i, s := range secrets {
			if s.Verify(body, h) == nil && lib < 0 {
				lib = i
			}
		}
		if d.Verified != (lib >= 0) || d.Verified && d.Matched != lib {
			t.Fatalf("Diagnose verified %v with secret %d (%s); the library %d\nheaders %q", d.Verified, d.Matched, d.Reason, lib, h)
		}
		inTime := offset >= -300 && offset <= 300
		if readSig && inTime && version == "v1" && id != "" && sig != "" && !d.Verified {
			t.Fatalf("a v1 entry with the right signature was refused: %s (%s)\nheader %q", d.Problem, d.Reason, sig)
		}
		if len(d.Received) > maxShownSignatures+1 {
			t.Fatalf("%d received signatures shown; at most %d and a mark", len(d.Received), maxShownSignatures)
		}

		strs := append([]string{d.Reason, d.ID, d.SignedPrefix, d.Headers}, d.Hints...)
		strs = append(strs, d.Missing...)
		for _, r := range d.Received {
			strs = append(strs, r.Version, r.Value)
		}
		dl := Request{Headers: h}
		lines := dl.HeaderLines()
		strs = append(strs, lines...)
		for _, s := range strs {
			if rxUnclean.MatchString(s) {
				t.Fatalf("control characters in %q", s)
			}
			for _, secret := range []string{rxSecret, rxOtherSecret, "sk_live_4eC39HqLyjWDarjtT1zdp7dc"} {
				if strings.Contains(s, secret) || strings.Contains(s, strings.TrimPrefix(secret, "whsec_")) {
					t.Fatalf("a secret in %q", s)
				}
			}
		}
		if len(lines) < len(h) {
			t.Fatalf("%d header lines for %d headers", len(lines), len(h))
		}
	})
}
