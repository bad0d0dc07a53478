// Package forwarded decides what the router tells a function about the
// original request (X-Forwarded-For/-Proto/-Host) and whether the request
// came over TLS, trusting X-Forwarded-* only from configured proxies
// (kamal-proxy in front of the router on the VPS).
package forwarded

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trust lists the peers whose X-Forwarded-* headers are believed.
type Trust struct {
	prefixes []netip.Prefix
}

// Parse reads a comma-separated list of CIDRs or IPs ("172.16.0.0/12,
// 127.0.0.1"); "" trusts nobody.
func Parse(list string) (Trust, error) {
	var t Trust
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return t, fmt.Errorf("trusted proxy %q: %w", s, err)
			}
			t.prefixes = append(t.prefixes, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return t, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		t.prefixes = append(t.prefixes, p.Masked())
	}
	return t, nil
}

// Peer returns the IP of the connection's other end.
func Peer(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// Trusted reports whether r arrived from a trusted proxy.
func (t Trust) Trusted(r *http.Request) bool {
	if len(t.prefixes) == 0 {
		return false
	}
	a, ok := Peer(r)
	if !ok {
		return false
	}
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Secure reports whether the client's connection was TLS: the router's own
// TLS, or X-Forwarded-Proto: https from a trusted proxy.
func (t Trust) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return t.Trusted(r) && strings.EqualFold(firstValue(r.Header.Get("X-Forwarded-Proto")), "https")
}

// Set writes X-Forwarded-For, -Proto and -Host on out (the request to the
// function) from in (the request the router received). Functions take the
// LAST X-Forwarded-For entry as the client: from an untrusted peer that is
// the peer itself (appended here), from a trusted proxy it is what the
// proxy appended.
func (t Trust) Set(out http.Header, in *http.Request) {
	if xff := t.appendFor(nil, in); len(xff) > 0 {
		out.Set("X-Forwarded-For", string(xff))
	} else {
		out.Del("X-Forwarded-For")
	}
	out.Set("X-Forwarded-Proto", t.proto(in))
	out.Set("X-Forwarded-Host", t.host(in))
}

// AppendHeaders appends the same three headers as Set, as HTTP/1.1 header
// lines, to b: the router's forwarder writes them straight into the
// request it sends, with no header map and no allocation.
func (t Trust) AppendHeaders(b []byte, in *http.Request) []byte {
	n := len(b)
	b = append(b, "X-Forwarded-For: "...)
	if xff := t.appendFor(b, in); len(xff) > len(b) {
		b = append(xff, "\r\n"...)
	} else {
		b = b[:n]
	}
	b = append(b, "X-Forwarded-Proto: "...)
	b = append(b, t.proto(in)...)
	b = append(b, "\r\nX-Forwarded-Host: "...)
	b = append(b, t.host(in)...)
	return append(b, "\r\n"...)
}

// appendFor appends the X-Forwarded-For value to b: the client's own list
// (only a trusted proxy's is kept as it is), then the peer.
func (t Trust) appendFor(b []byte, in *http.Request) []byte {
	trusted := t.Trusted(in)
	start := len(b)
	for i, v := range in.Header["X-Forwarded-For"] {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, v...)
	}
	if !trusted || len(b) == start {
		if a, ok := Peer(in); ok {
			if len(b) > start {
				b = append(b, ", "...)
			}
			b = a.AppendTo(b)
		}
	}
	return b
}

func (t Trust) proto(in *http.Request) string {
	if t.Secure(in) {
		return "https"
	}
	return "http"
}

func (t Trust) host(in *http.Request) string {
	if t.Trusted(in) {
		if h := firstValue(in.Header.Get("X-Forwarded-Host")); h != "" {
			return h
		}
	}
	return in.Host
}

func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}
