package api

import "strings"

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
