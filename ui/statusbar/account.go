package statusbar

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// DefaultTokensWarn is the balance under which the header warns, unless the
// config's tokens_warn says otherwise.
const DefaultTokensWarn = 10_000

// account is whose key this is and how many tokens it has left, from
// GET /users/me; zero until it answers, and for an API without it.
type account struct {
	user *api.User
	warn int64
}

// SetAccount shows the account the key belongs to in the header; warn is
// the balance under which its tokens are shown as a warning (0: the
// default).
func (m *Model) SetAccount(u *api.User, warn int64) {
	if warn <= 0 {
		warn = DefaultTokensWarn
	}
	m.acct = account{user: u, warn: warn}
}

// Account is the account shown, or nil.
func (m *Model) Account() *api.User { return m.acct.user }

// MaskEmail keeps an address's first letter and its domain:
// j•••@example.com, enough to tell two accounts apart on a shared screen.
func MaskEmail(email string) string {
	email = api.Clean(strings.TrimSpace(email))
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return ""
	}
	first := []rune(email[:at])[0]
	return string(first) + "•••" + email[at:]
}

// accountText is the header's account: a name (or the masked email) and
// the tokens remaining, in the warning colour and words under the
// threshold, and plainly when none are left.
func (m *Model) accountText() string {
	u := m.acct.user
	if u == nil {
		return ""
	}
	th := m.ctx.Theme
	who := strings.TrimSpace(api.Clean(u.FirstName) + " " + api.Clean(u.LastName))
	if who == "" {
		who = MaskEmail(u.Email)
	}
	who = common.Clip(who, 24)
	tokens := common.Count(int(u.TokensRemaining)) + " tokens"
	switch {
	case u.TokensRemaining <= 0:
		tokens = th.ErrorP.S("⚠ 0 tokens left: new tasks will fail")
	case u.TokensRemaining < m.acct.warn:
		tokens = th.WarnP.S("⚠ " + tokens + " left: running low")
	default:
		tokens = th.MutedP.S(tokens)
	}
	if who == "" {
		return tokens
	}
	return th.MutedP.S(who+" · ") + tokens
}
