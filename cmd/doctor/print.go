package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aspect-hq/aspect-tui/api"
)

// WriteJSON writes the report as one indented JSON document, for bug
// reports. The key is masked and every string from the server is
// sanitized, as on the table.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for people: the key and clock, one row a
// route, and what the dashboard will do.
func (r *Report) WriteTable(w io.Writer) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "aspect-tui doctor: %s (key %s)\n\n", r.API, orNone(r.Key))
	fmt.Fprintf(b, "key    %s\n", r.KeyNote)
	fmt.Fprintf(b, "clock  %s\n\n", r.SkewNote)
	// The rows are aligned on their own; each route's notes go under it,
	// where a narrow terminal can wrap them.
	var rows strings.Builder
	tw := tabwriter.NewWriter(&rows, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUTE\tSOURCE\tOFFERED\tSTATUS\tLATENCY\tSHAPE")
	for _, rt := range r.Routes {
		status, latency := "–", "–"
		if rt.Status != 0 {
			status = fmt.Sprint(rt.Status)
		}
		if rt.Asked != "" && (rt.Status != 0 || rt.LatencyMS > 0) {
			latency = fmtMS(rt.LatencyMS)
		}
		src := "assumed"
		if rt.Documented {
			src = "documented"
		}
		shape := rt.Shape
		if shape == "" {
			shape = "–"
		}
		fmt.Fprintf(tw, "%s %s\t%s\t%s\t%s\t%s\t%s\n", rt.Method, rt.Path, src, rt.Offered, status, latency, shape)
	}
	tw.Flush()
	lines := strings.Split(strings.TrimSuffix(rows.String(), "\n"), "\n")
	b.WriteString(lines[0] + "\n")
	for i, rt := range r.Routes {
		b.WriteString(lines[i+1] + "\n")
		if n := notes(rt); n != "" {
			b.WriteString("    ↳ " + n + "\n")
		}
	}
	fmt.Fprintln(b)
	fmt.Fprintln(b, "The dashboard will:")
	for _, why := range r.Plan.Why {
		fmt.Fprintf(b, "  - %s\n", why)
	}
	fmt.Fprintln(b)
	if r.CanRun {
		fmt.Fprintf(b, "The dashboard can run against this API (checked in %s).\n", fmtMS(r.ElapsedMS))
	} else {
		fmt.Fprintf(b, "The dashboard cannot run against this API: %s (checked in %s).\n", r.blocker(), fmtMS(r.ElapsedMS))
	}
	_, err := io.WriteString(w, api.CleanBlock(b.String()))
	return err
}

// blocker says what stops the dashboard.
func (r *Report) blocker() string {
	if !r.KeyAccepted {
		return "the key: " + r.KeyNote
	}
	for _, rt := range r.Routes {
		if rt.Name == api.RouteTasksActive {
			n := rt.Note
			if n == "" {
				n = "its answer is " + rt.Shape
			}
			return "GET /tasks/active: " + n
		}
	}
	return "GET /tasks/active did not answer"
}

func notes(rt Route) string {
	var parts []string
	if rt.Note != "" {
		parts = append(parts, rt.Note)
	}
	if len(rt.Missing) > 0 {
		parts = append(parts, "missing: "+strings.Join(rt.Missing, ", "))
	}
	if len(rt.Unknown) > 0 {
		u := rt.Unknown
		more := ""
		if len(u) > 6 {
			u, more = u[:6], fmt.Sprintf(" and %d more", len(rt.Unknown)-6)
		}
		parts = append(parts, "unknown: "+strings.Join(u, ", ")+more)
	}
	if rt.ContentType != "" && rt.Name == api.RouteEvents && rt.Status == 200 {
		parts = append(parts, "Content-Type "+rt.ContentType)
	}
	return api.Clip(strings.Join(parts, "; "), 400)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
