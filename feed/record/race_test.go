//go:build race

package record

// raceOn: the race detector slows reading tenfold; the largest tests
// read less under it (they run whole without it).
const raceOn = true
