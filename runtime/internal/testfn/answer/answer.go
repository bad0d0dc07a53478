// Package answer is the wire format of testfn's answers, shared by testfn
// and the router tests that read them.
package answer

// Echo is what testfn answers by default.
type Echo struct {
	Name           string `json:"name"`
	PID            int    `json:"pid"`
	Method         string `json:"method"`
	Path           string `json:"path"`
	Host           string `json:"host"`
	RequestID      string `json:"request_id"`
	ForwardedFor   string `json:"forwarded_for"`
	ForwardedProto string `json:"forwarded_proto"`
	ForwardedHost  string `json:"forwarded_host"`
	// Remote is the connection's peer as the function sees it: the
	// router's Unix socket ("@" or ""), or the client's TCP address for a
	// connection the router handed over.
	Remote string `json:"remote"`
}
