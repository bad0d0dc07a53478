package forwarded

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestParse(t *testing.T) {
	for _, bad := range []string{"nonsense", "10.0.0.0/33", "1.2.3"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if _, err := Parse(" 10.0.0.0/8, 127.0.0.1 ,::1,"); err != nil {
		t.Fatal(err)
	}
}

func TestSet(t *testing.T) {
	trust, _ := Parse("10.0.0.0/8")
	tests := []struct {
		name       string
		remote     string
		header     http.Header
		tls        bool
		xff, proto string
		host       string
		secure     bool
	}{
		{name: "direct client", remote: "203.0.113.1:5555", xff: "203.0.113.1", proto: "http", host: "studio.test"},
		{name: "direct client over TLS", remote: "203.0.113.1:5555", tls: true, xff: "203.0.113.1", proto: "https", host: "studio.test", secure: true},
		{name: "spoofing client", remote: "203.0.113.1:5555",
			header: http.Header{"X-Forwarded-For": {"1.1.1.1"}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"evil"}},
			xff:    "1.1.1.1, 203.0.113.1", proto: "http", host: "studio.test"},
		{name: "trusted proxy", remote: "10.1.2.3:4444",
			header: http.Header{"X-Forwarded-For": {"198.51.100.7"}, "X-Forwarded-Proto": {"https"}, "X-Forwarded-Host": {"studio.example"}},
			xff:    "198.51.100.7", proto: "https", host: "studio.example", secure: true},
		{name: "trusted proxy without XFF", remote: "10.1.2.3:4444", xff: "10.1.2.3", proto: "http", host: "studio.test"},
		{name: "IPv6 peer", remote: "[2001:db8::1]:80", xff: "2001:db8::1", proto: "http", host: "studio.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "http://studio.test/x", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.header {
				r.Header[k] = v
			}
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			out := http.Header{}
			trust.Set(out, r)
			if out.Get("X-Forwarded-For") != tt.xff || out.Get("X-Forwarded-Proto") != tt.proto || out.Get("X-Forwarded-Host") != tt.host {
				t.Fatalf("got %v", out)
			}
			if trust.Secure(r) != tt.secure {
				t.Fatalf("Secure = %v", !tt.secure)
			}
		})
	}
}
