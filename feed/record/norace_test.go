//go:build !race

package record

const raceOn = false
