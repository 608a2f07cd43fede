package match

import (
	"errors"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Evidence scores one phase against observed peaks as Identify scores
// each phase of a database, with its Significance: how unlikely it is that
// as many of its visible lines fall on the peaks by chance. A whole-pattern
// identification asks it of the peaks its model leaves unexplained. ok is
// false when no line of the phase falls in the range or none matches.
func Evidence(obs []diffraction.Peak, w diffraction.Wavelength, lo, hi float64, p *refdb.Phase, opt Options) (c Candidate, ok bool, err error) {
	if !w.Known() {
		return Candidate{}, false, errors.New("match: the wavelength is unknown")
	}
	if len(obs) == 0 || !(hi > lo) {
		return Candidate{}, false, nil
	}
	o := newObserved(obs)
	o.cover = coverage(o, lo, hi, opt)
	m := newMatcher(o, w, lo, hi, opt)
	m.loadPhase(p)
	s, ok := m.score(p.Computed, math.Inf(-1))
	if !ok {
		return Candidate{}, false, nil
	}
	s.Phase = p
	s.Significance = -math.Log10(binomialTail(s.nVisible, s.mVisible, o.cover))
	return s.Candidate, true, nil
}

// SignificanceThreshold is the Significance a match needs to count in
// full when searched phases were scored: −log10 of falseAlarm/searched,
// so that chance gives a match as good in the whole database with
// probability falseAlarm (a Bonferroni bound; see Identify).
func SignificanceThreshold(searched int) float64 {
	return math.Log10(math.Max(float64(searched), 10) / falseAlarm)
}
