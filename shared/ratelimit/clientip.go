package ratelimit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address a request came from.
//
// Behind the router (the function listens on a Unix socket, or the peer is
// loopback) the client is the LAST X-Forwarded-For entry: the router's
// httputil.ReverseProxy appends the address it saw, and anything before it
// was written by the client and cannot be believed. Under AWS Lambda the
// adapter sets RemoteAddr from requestContext.http.sourceIp, which API
// Gateway fills with the real peer, so RemoteAddr is used as is; so it is
// for any other directly connected peer.
func ClientIP(r *http.Request) string {
	peer, ok := peerAddr(r.RemoteAddr)
	if !ok || peer.IsLoopback() {
		if ip, ok := lastForwarded(r.Header.Values("X-Forwarded-For")); ok {
			return ip.String()
		}
	}
	if ok {
		return peer.String()
	}
	return "unknown"
}

func peerAddr(remote string) (netip.Addr, bool) {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

func lastForwarded(values []string) (netip.Addr, bool) {
	if len(values) == 0 {
		return netip.Addr{}, false
	}
	list := values[len(values)-1]
	if i := strings.LastIndexByte(list, ','); i >= 0 {
		list = list[i+1:]
	}
	return peerAddr(strings.TrimSpace(list))
}
