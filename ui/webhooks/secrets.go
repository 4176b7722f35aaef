package webhooks

import "sync"

// Secrets finds an endpoint's signing secret, for what this machine signs
// itself (a re-delivery where the API has no resend route): the config
// file's [endpoint_secrets] by endpoint id, then a secret shown when the
// endpoint was created in this session (kept in memory only), then
// ASPECT_WEBHOOK_SECRET while the account has a single endpoint. Safe for
// use from Cmds.
type Secrets struct {
	mu         sync.Mutex
	configured map[string]string
	env        string
	made       map[string]string
	endpoints  int
}

// NewSecrets takes the config's [endpoint_secrets] and the environment's
// secret; either may be empty.
func NewSecrets(configured map[string]string, env string) *Secrets {
	return &Secrets{configured: configured, env: env, made: map[string]string{}}
}

// Made keeps the secret of an endpoint created in this session.
func (s *Secrets) Made(endpointID, secret string) {
	if s == nil || endpointID == "" || secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.made[endpointID] = secret
}

// SetEndpoints says how many endpoints the account has, which decides
// whether the environment's one secret can be taken as theirs.
func (s *Secrets) SetEndpoints(n int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints = n
}

// For is the endpoint's secret and where it came from, or ok false.
func (s *Secrets) For(endpointID string) (secret, from string, ok bool) {
	if s == nil {
		return "", "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.configured[endpointID]; v != "" {
		return v, "[endpoint_secrets] in the config", true
	}
	if v := s.made[endpointID]; v != "" {
		return v, "shown when it was created", true
	}
	if s.env != "" && s.endpoints <= 1 {
		return s.env, "ASPECT_WEBHOOK_SECRET", true
	}
	return "", "", false
}

// Missing says how to give endpointID a secret.
func (s *Secrets) Missing(endpointID string) string {
	why := "no signing secret for " + endpointID + ": add it to the config file under [endpoint_secrets] (\"" + endpointID + "\" = \"whsec_…\")"
	if s != nil && s.env != "" {
		return why + "; ASPECT_WEBHOOK_SECRET is set, but the account has more than one endpoint, so it is not taken as this one's"
	}
	return why + ", or set ASPECT_WEBHOOK_SECRET when the account has one endpoint"
}
