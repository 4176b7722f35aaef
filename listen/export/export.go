// Package export turns one webhook delivery into something to run
// elsewhere: a curl command signed now (Svix's receivers accept it for
// ±5 minutes), a shell script that signs when it runs (the secret comes
// from the environment then, never from the file), and a test fixture: the
// raw body, the headers, and short Go, TypeScript and Python tests that
// verify and parse it, signed with a fixed test secret the fixture names.
// Files are written 0600 through a temporary name and a rename, so an
// error leaves nothing half-written.
package export

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	svix "github.com/svix/svix-webhooks/go"
)

// Delivery is what is exported: the message as Svix sent it.
type Delivery struct {
	ID        string // sent as svix-id
	EventType string // for names and comments; may be empty
	Body      []byte // byte for byte
	URL       string // where the curl command and script send it by default
}

// Signer signs "id.timestamp.body" the way Svix does: "v1,<base64>".
type Signer func(id string, at time.Time, body []byte) (string, error)

// SignWith is the Signer for a whsec_ secret.
func SignWith(secret string) (Signer, error) {
	wh, err := svix.NewWebhook(secret)
	if err != nil {
		return nil, errors.New("the signing secret is not a whsec_ secret Svix can use: " + err.Error())
	}
	return wh.Sign, nil
}

// Window is how far a receiver lets a signature's timestamp be from its
// own clock (Svix's libraries, fixed).
const Window = 5 * time.Minute

func (d Delivery) check() error {
	if d.ID == "" {
		return errors.New("the delivery has no svix-id (message id) to sign")
	}
	if d.URL == "" {
		return errors.New("no URL to send it to")
	}
	if oneLine(d.ID) != d.ID || oneLine(d.URL) != d.URL {
		return errors.New("the svix-id or the URL holds control characters; it is not exported")
	}
	return nil
}

// Curl is a curl command that delivers d to d.URL with svix-id,
// svix-timestamp and svix-signature signed at now. Its first line says
// until when a receiver accepts it. The URL is not signed: change it in
// the command freely.
func Curl(d Delivery, sign Signer, now time.Time) (string, error) {
	if err := d.check(); err != nil {
		return "", err
	}
	sig, err := sign(d.ID, now, d.Body)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s%s signed at %s: a Svix receiver accepts it until %s (±5 minutes); the URL is not signed, change it freely\n",
		oneLine(d.ID), about(d.EventType), now.UTC().Format(time.RFC3339), now.Add(Window).UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "curl -sS -X POST %s \\\n", quote(d.URL))
	b.WriteString("  -H 'content-type: application/json' \\\n")
	fmt.Fprintf(&b, "  -H %s \\\n", quote("svix-id: "+d.ID))
	fmt.Fprintf(&b, "  -H %s \\\n", quote("svix-timestamp: "+strconv.FormatInt(now.Unix(), 10)))
	fmt.Fprintf(&b, "  -H %s \\\n", quote("svix-signature: "+sig))
	b.WriteString("  -w '\\n%{http_code}\\n' \\\n")
	fmt.Fprintf(&b, "  --data-binary %s\n", quote(string(d.Body)))
	return b.String(), nil
}

// SecretEnv is the variable the script reads the signing secret from.
const SecretEnv = "ASPECT_WEBHOOK_SECRET"

// Script is a POSIX shell script that signs d when it runs (openssl for
// the HMAC and base64, curl to send) with the secret in $ASPECT_WEBHOOK_SECRET,
// so it never goes stale and never holds the secret. Its first argument
// replaces the URL.
func Script(d Delivery) (string, error) {
	if err := d.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# Delivers %s%s again, signed when it runs, the way Svix signs an attempt.\n", oneLine(d.ID), about(d.EventType))
	fmt.Fprintf(&b, "# Usage: %s=whsec_... sh %s [URL]   (default %s)\n", SecretEnv, "THIS_FILE", oneLine(d.URL))
	b.WriteString("# Needs openssl and curl. Made by aspect-tui; the secret is read from the environment, not kept here.\n")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "secret=\"${%s:?set %s to the endpoint's signing secret (whsec_...)}\"\n", SecretEnv, SecretEnv)
	fmt.Fprintf(&b, "url=\"${1:-%s}\"\n", dquoteless(d.URL))
	fmt.Fprintf(&b, "id=%s\n", quote(d.ID))
	b.WriteString("body=$(mktemp)\ntrap 'rm -f \"$body\"' EXIT\n")
	fmt.Fprintf(&b, "printf '%%s' %s | openssl base64 -d -A > \"$body\"\n", quote(base64.StdEncoding.EncodeToString(d.Body)))
	b.WriteString("ts=$(date +%s)\n")
	b.WriteString("key=$(printf '%s' \"${secret#whsec_}\" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \\n')\n")
	b.WriteString("sig=$( { printf '%s.%s.' \"$id\" \"$ts\"; cat \"$body\"; } | openssl dgst -sha256 -mac HMAC -macopt \"hexkey:$key\" -binary | openssl base64 -A)\n")
	b.WriteString("curl -sS -X POST \"$url\" -H 'content-type: application/json' -H \"svix-id: $id\" -H \"svix-timestamp: $ts\" -H \"svix-signature: v1,$sig\" -w '\\n%{http_code}\\n' --data-binary \"@$body\"\n")
	return b.String(), nil
}

// quote makes s one single-quoted shell word, byte for byte.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// dquoteless is s as a shell word inside "${1:-...}": single quotes would
// be literal there, so the characters a double-quoted context expands are
// escaped instead.
func dquoteless(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`", "}", `\}`)
	return r.Replace(s)
}

func about(eventType string) string {
	if eventType == "" {
		return ""
	}
	return " (" + oneLine(eventType) + ")"
}

// oneLine keeps a comment on its line whatever the network sent.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// CopiedNote says a curl command signed at now was copied, and until when
// it is good.
func CopiedNote(now time.Time) string {
	return "copied a signed curl command (OSC 52; good until " + now.Add(Window).Local().Format("15:04:05") + ", Svix's ±5 minutes)"
}

// ScriptNote says where the script went and how to run it.
func ScriptNote(path string) string {
	return "wrote " + path + ", which signs when run (" + SecretEnv + "=whsec_… sh FILE [URL])"
}

// FixtureNote says where a fixture went.
func FixtureNote(path string) string {
	return "wrote a test fixture to " + path + " (body, headers, Go/TypeScript/Python tests; signed with a test secret, not the endpoint's)"
}
