package api

import (
	"regexp"
	"strings"
)

// Mask shows enough of a secret (an sk_ API key or a whsec_ signing secret)
// to tell two apart, and never the whole: its prefix and last four
// characters. Short values are masked entirely.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	prefix := ""
	for _, p := range []string{"whsec_", "sk_live_", "sk_test_", "sk_sim_", "sk_"} {
		if strings.HasPrefix(secret, p) {
			prefix = p
			break
		}
	}
	rest := []rune(secret[len(prefix):])
	if len(rest) < 12 {
		return prefix + "••••"
	}
	// Runes, not bytes: a cut through a multi-byte character would show as U+FFFD.
	return prefix + "••••" + Clean(string(rest[len(rest)-4:]))
}

// secretShape is an API key or a signing secret inside other text: a
// prefix at the start of a word, then at least eight characters of a key.
var secretShape = regexp.MustCompile(`\b(?:sk_|whsec_)[A-Za-z0-9+/=_-]{8,}`)

// MaskSecrets masks every API key and signing secret in s, wherever they
// sit: for text that may hold one anywhere (a header value, a panic's
// message). Text without one comes back unchanged.
func MaskSecrets(s string) string {
	if !strings.Contains(s, "sk_") && !strings.Contains(s, "whsec_") {
		return s
	}
	return secretShape.ReplaceAllStringFunc(s, Mask)
}
