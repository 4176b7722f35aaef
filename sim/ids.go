package sim

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
)

// uuidFrom formats 16 bytes as a version 4 UUID.
func uuidFrom(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// newUUID draws a UUID from r, so ids follow the seed.
func newUUID(r *rand.Rand) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], r.Uint64())
	binary.LittleEndian.PutUint64(b[8:], r.Uint64())
	return uuidFrom(b)
}

// Event ids are UUIDs that carry the server's epoch (random per process) and
// the event's sequence number, so a Last-Event-ID is looked up without a map,
// and an id from an earlier run of the simulator is recognised as unknown.

func eventID(epoch uint64, seq uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], epoch)
	binary.BigEndian.PutUint64(b[8:], seq&(1<<56-1))
	return uuidFrom(b)
}

// parseEventID returns the sequence number of an id this server made, and
// false for anything else.
func parseEventID(epoch uint64, id string) (uint64, bool) {
	id = strings.TrimSpace(id)
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return 0, false
	}
	var raw [16]byte
	hexPart := id[0:8] + id[9:13] + id[14:18] + id[19:23] + id[24:]
	if _, err := hex.Decode(raw[:], []byte(hexPart)); err != nil {
		return 0, false
	}
	var want [16]byte
	binary.BigEndian.PutUint64(want[:8], epoch)
	binary.BigEndian.PutUint64(want[8:], binary.BigEndian.Uint64(raw[8:])&(1<<56-1))
	if uuidFrom(want) != strings.ToLower(id) {
		return 0, false
	}
	return binary.BigEndian.Uint64(raw[8:]) & (1<<56 - 1), true
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// svixID makes an id in Svix's style: a prefix and 27 base62 characters.
// These need not follow the seed; math/rand/v2's global source is safe for
// concurrent use and fast.
func svixID(prefix string) string {
	var b strings.Builder
	b.Grow(len(prefix) + 27)
	b.WriteString(prefix)
	for i := 0; i < 27; {
		v := rand.Uint64()
		for j := 0; j < 10 && i < 27; j++ {
			b.WriteByte(base62[v%62])
			v /= 62
			i++
		}
	}
	return b.String()
}
