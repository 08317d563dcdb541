//go:build race

package simssh

// raceEnabled scales the large concurrency tests down under the race
// detector, which makes every key exchange many times slower.
const raceEnabled = true
