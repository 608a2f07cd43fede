package peaks

import (
	"strconv"
)

// Settings returns the options as name → value text, for reports and for
// the workspace summary: every setting that changes the result, with
// automatic values shown as "auto".
func (o Options) Settings() map[string]string {
	auto := func(v int) string {
		if v == 0 {
			return "auto"
		}
		return strconv.Itoa(v)
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	prof := string(o.Profile)
	if o.Profile == ProfileNone {
		prof = "none"
	}
	m := map[string]string{
		"background":            o.Background.String(),
		"background_window":     auto(o.BackgroundIterations),
		"smooth_window":         auto(o.SmoothWindow),
		"smooth_order":          strconv.Itoa(sgOrder),
		"min_significance":      g(o.MinSignificance),
		"min_rel_height":        g(o.MinRelHeight),
		"ka2_strip":             strconv.FormatBool(o.StripKa2),
		"profile":               prof,
		"zero_shift":            g(o.Axis.ZeroShift),
		"specimen_displacement": g(o.Axis.Displacement),
		"goniometer_radius":     g(o.Axis.radius()),
	}
	return m
}
