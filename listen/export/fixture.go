package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// TestSecret signs every fixture. It is not a secret of any endpoint: a
// fixture is checked into a repository, so it never carries a real one.
// Its bytes read "aspect-tui-fixture-not-a-real-key".
const TestSecret = "whsec_YXNwZWN0LXR1aS1maXh0dXJlLW5vdC1hLXJlYWwta2V5"

// Fixture's file names.
const (
	BodyFile    = "body.json"
	HeadersFile = "headers.json"
	GoTest      = "fixture_test.go"
	GoMod       = "go.mod"
	TSTest      = "fixture.test.ts"
	PyTest      = "test_fixture.py"
	ReadmeFile  = "README.txt"
)

// Fixture is d as a test fixture signed at `at` with TestSecret: the body
// byte for byte, the headers, and tests in Go (the svix library), TypeScript
// and Python (HMAC by hand, no package to install) that verify the
// signature and parse the body.
func Fixture(d Delivery, at time.Time) ([]File, error) {
	if d.ID == "" || oneLine(d.ID) != d.ID {
		return nil, errors.New("the delivery has no usable svix-id (message id) to sign")
	}
	sign, err := SignWith(TestSecret)
	if err != nil {
		return nil, err
	}
	sig, err := sign(d.ID, at, d.Body)
	if err != nil {
		return nil, err
	}
	headers := map[string]string{
		"content-type":   "application/json",
		"svix-id":        d.ID,
		"svix-timestamp": strconv.FormatInt(at.Unix(), 10),
		"svix-signature": sig,
	}
	hj, err := json.MarshalIndent(headers, "", "  ")
	if err != nil {
		return nil, err
	}
	eventType := ""
	var env struct {
		EventType string `json:"event_type"`
	}
	isJSON := json.Unmarshal(d.Body, &env) == nil
	if isJSON {
		eventType = env.EventType
	}
	vars := map[string]any{
		"Secret": TestSecret, "ID": d.ID, "EventType": eventType, "JSON": isJSON,
		"Body": BodyFile, "Headers": HeadersFile, "At": at.UTC().Format(time.RFC3339),
	}
	files := []File{{BodyFile, d.Body}, {HeadersFile, append(hj, '\n')}}
	for _, t := range []struct{ name, text string }{
		{GoTest, goTest}, {GoMod, goMod}, {TSTest, tsTest}, {PyTest, pyTest}, {ReadmeFile, readme},
	} {
		var buf bytes.Buffer
		if err := template.Must(template.New(t.name).Funcs(funcs).Parse(t.text)).Execute(&buf, vars); err != nil {
			return nil, err
		}
		files = append(files, File{t.name, buf.Bytes()})
	}
	return files, nil
}

// funcs quote for each language: JSON strings are valid Go, TypeScript
// and Python string literals for the ASCII ids and types used here, and
// anything else is escaped by the JSON encoder.
var funcs = template.FuncMap{
	"q": func(s string) string {
		b, _ := json.Marshal(s)
		return strings.ReplaceAll(string(b), `\u0026`, "&")
	},
}

const goMod = `module aspectfixture

go 1.22

require github.com/svix/svix-webhooks v1.98.0
`

const goTest = `// A webhook delivery exported by aspect-tui as a test fixture: {{.Body}} is the
// body byte for byte, {{.Headers}} the headers, signed with a fixed TEST
// secret (not any endpoint's). Run: go mod tidy && go test
package fixture

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	svix "github.com/svix/svix-webhooks/go"
)

// testSecret signed this fixture; it belongs to no endpoint.
const testSecret = {{q .Secret}}

func TestFixtureVerifiesAndParses(t *testing.T) {
	body, err := os.ReadFile({{q .Body}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile({{q .Headers}})
	if err != nil {
		t.Fatal(err)
	}
	var hs map[string]string
	if err := json.Unmarshal(raw, &hs); err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	for k, v := range hs {
		h.Set(k, v)
	}
	wh, err := svix.NewWebhook(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture was signed at {{.At}}; Verify would refuse it past
	// Svix's ±5 minutes, so the timestamp's age is not checked here.
	if err := wh.VerifyIgnoringTimestamp(body, h); err != nil {
		t.Fatalf("the signature does not verify: %v", err)
	}
	if h.Get("svix-id") != {{q .ID}} {
		t.Errorf("svix-id %q", h.Get("svix-id"))
	}
{{- if .JSON}}
	var env struct {
		EventType string          ` + "`json:\"event_type\"`" + `
		Data      json.RawMessage ` + "`json:\"data\"`" + `
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("the body is not JSON: %v", err)
	}
	if env.EventType != {{q .EventType}} {
		t.Errorf("event_type %q, want %q", env.EventType, {{q .EventType}})
	}
{{- end}}
}
`

const tsTest = `// A webhook delivery exported by aspect-tui as a test fixture, verified the
// way Svix signs: HMAC-SHA256 of "id.timestamp.body" with the base64 key
// after "whsec_". Signed with a fixed TEST secret (not any endpoint's).
// Run: node --experimental-strip-types --test fixture.test.ts (Node 22.6+), or with tsx / ts-node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here: string = dirname(fileURLToPath(import.meta.url));
const testSecret: string = {{q .Secret}};

test("the fixture verifies and parses", () => {
  const body: Buffer = readFileSync(join(here, {{q .Body}}));
  const headers: Record<string, string> = JSON.parse(readFileSync(join(here, {{q .Headers}}), "utf8"));
  const key: Buffer = Buffer.from(testSecret.replace(/^whsec_/, ""), "base64");
  const signed: Buffer = Buffer.concat([Buffer.from(headers["svix-id"] + "." + headers["svix-timestamp"] + "."), body]);
  const want: Buffer = createHmac("sha256", key).update(signed).digest();
  const ok: boolean = headers["svix-signature"].split(" ").some((s: string) => {
    const [version, sig] = s.split(",");
    const got: Buffer = Buffer.from(sig ?? "", "base64");
    return version === "v1" && got.length === want.length && timingSafeEqual(got, want);
  });
  assert.ok(ok, "the signature does not verify");
  assert.equal(headers["svix-id"], {{q .ID}});
{{- if .JSON}}
  const event: { event_type?: string } = JSON.parse(body.toString("utf8"));
  assert.equal(event.event_type, {{q .EventType}});
{{- end}}
});
`

const pyTest = `"""A webhook delivery exported by aspect-tui as a test fixture, verified the
way Svix signs: HMAC-SHA256 of "id.timestamp.body" with the base64 key after
"whsec_". Signed with a fixed TEST secret (not any endpoint's).
Run: python3 -m unittest test_fixture
"""
import base64
import hashlib
import hmac
import json
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_SECRET = {{q .Secret}}


class FixtureTest(unittest.TestCase):
    def test_verifies_and_parses(self):
        with open(os.path.join(HERE, {{q .Body}}), "rb") as f:
            body = f.read()
        with open(os.path.join(HERE, {{q .Headers}}), encoding="utf-8") as f:
            headers = json.load(f)
        key = base64.b64decode(TEST_SECRET[len("whsec_"):])
        signed = (headers["svix-id"] + "." + headers["svix-timestamp"] + ".").encode() + body
        want = hmac.new(key, signed, hashlib.sha256).digest()
        ok = False
        for s in headers["svix-signature"].split(" "):
            version, _, sig = s.partition(",")
            if version == "v1" and hmac.compare_digest(base64.b64decode(sig), want):
                ok = True
        self.assertTrue(ok, "the signature does not verify")
        self.assertEqual(headers["svix-id"], {{q .ID}})
{{- if .JSON}}
        event = json.loads(body)
        self.assertEqual(event.get("event_type"), {{q .EventType}})
{{- end}}


if __name__ == "__main__":
    unittest.main()
`

const readme = `A webhook delivery exported by aspect-tui as a test fixture.

{{.Body}}       the body, byte for byte as delivered
{{.Headers}}    svix-id, svix-timestamp ({{.At}}) and svix-signature
fixture_test.go, go.mod   Go, with the svix library:  go mod tidy && go test
fixture.test.ts           TypeScript:  node --experimental-strip-types --test fixture.test.ts
test_fixture.py           Python:  python3 -m unittest test_fixture

It is signed with a fixed TEST secret, {{.Secret}},
which belongs to no endpoint: point your handler's tests at it, never at a real secret.
The signature's timestamp is old by the time you run them, so these tests check
the signature and not its age; a receiver checking the ±5 minutes refuses it.
`
