package speech

import (
	"encoding/binary"
	"errors"
)

// fixWAV makes a streamed WAV's header true and returns its length in
// seconds. Writers that stream (espeak-ng --stdout) cannot know the length
// up front and put 0x7ffff000 in the RIFF and data sizes; some decoders
// then wait for audio that never comes, so the sizes are set from what
// arrived.
func fixWAV(b []byte) (float64, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, errors.New("not a WAV file")
	}
	binary.LittleEndian.PutUint32(b[4:8], uint32(len(b)-8)) // #nosec G115 -- a WAV is bounded by the utterance limit, far below 4 GiB
	var byteRate uint32
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := int(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := off + 8
		switch id {
		case "fmt ":
			if body+16 > len(b) {
				return 0, errors.New("WAV fmt chunk cut short")
			}
			byteRate = binary.LittleEndian.Uint32(b[body+8 : body+12])
		case "data":
			if byteRate == 0 {
				return 0, errors.New("WAV data before fmt")
			}
			size = len(b) - body
			binary.LittleEndian.PutUint32(b[off+4:off+8], uint32(size)) // #nosec G115 -- a WAV is bounded by the utterance limit, far below 4 GiB
			return float64(size) / float64(byteRate), nil
		}
		off = body + size + size%2
	}
	return 0, errors.New("WAV without data")
}

// WAVSeconds reports the length of a WAV file (0 when it is not one).
func WAVSeconds(b []byte) float64 {
	c := append([]byte(nil), b...)
	s, _ := fixWAV(c)
	return s
}
