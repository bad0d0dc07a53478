package fakeanthropic

import (
	"crypto/sha256"
	"time"
)

// Prompt caching as the real API does it: a block with cache_control is a
// breakpoint; the prefix up to each breakpoint (tools, system, messages,
// in that order) is written to the cache, if it is at least
// MinCacheTokens long, for CacheTTL after its last use. A later request
// whose prefix matches one written — at a breakpoint or up to
// LookbackBlocks blocks before one — reads it. Usage then splits the
// input: cache_read_input_tokens (the prefix read), cache_creation_input_tokens
// (from there to the last breakpoint) and input_tokens (after the last
// breakpoint), which alone are billed at the full rate.
const (
	MinCacheTokens = 1024
	CacheTTL       = 5 * time.Minute
	LookbackBlocks = 20
)

// Usage is what the fake reports for a request's input.
type Usage struct {
	InputTokens              int
	CacheCreationInputTokens int
	CacheReadInputTokens     int
}

// promptBlocks are a request's system and message blocks in order.
func promptBlocks(body MessagesBody) []Block {
	var out []Block
	out = append(out, body.system...)
	for _, m := range body.Messages {
		out = append(out, m.Blocks...)
	}
	return out
}

// inputUsage computes the input side of usage, reading and writing the
// fake's cache.
func (f *Fake) inputUsage(body MessagesBody) Usage {
	blocks := promptBlocks(body)
	n := len(blocks)
	prefixTokens := make([]int, n+1)
	hashes := make([][32]byte, n+1)
	h := sha256.New()
	h.Write([]byte(body.Model))
	var last = -1
	for i, b := range blocks {
		prefixTokens[i+1] = prefixTokens[i] + b.tokens()
		h.Write([]byte{0})
		h.Write([]byte(b.Type))
		h.Write([]byte(b.Text))
		h.Write([]byte(b.MediaType))
		h.Write(b.Data)
		copy(hashes[i+1][:], h.Sum(nil))
		if b.Cached {
			last = i + 1
		}
	}
	total := max(1, prefixTokens[n])
	if last < 0 {
		return Usage{InputTokens: total}
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cache == nil {
		f.cache = map[[32]byte]time.Time{}
	}
	read := 0
	for i, b := range blocks {
		if !b.Cached {
			continue
		}
		for j := i + 1; j > 0 && j > i+1-LookbackBlocks; j-- {
			if exp, ok := f.cache[hashes[j]]; ok && exp.After(now) && prefixTokens[j] > read {
				read = prefixTokens[j]
				f.cache[hashes[j]] = now.Add(CacheTTL)
				break
			}
		}
	}
	creation := 0
	for i, b := range blocks {
		if b.Cached && prefixTokens[i+1] >= MinCacheTokens {
			f.cache[hashes[i+1]] = now.Add(CacheTTL)
		}
	}
	if prefixTokens[last] >= MinCacheTokens {
		creation = max(0, prefixTokens[last]-read)
	}
	return Usage{InputTokens: max(0, total-read-creation), CacheCreationInputTokens: creation, CacheReadInputTokens: read}
}
