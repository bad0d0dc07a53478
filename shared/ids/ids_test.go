package ids

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
)

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"3f2504e0-4f89-11d3-9a0c-0305e82c3301", true},
		{"3F2504E0-4F89-11D3-9A0C-0305E82C3301", true},
		{"", false},
		{"3f2504e04f8911d39a0c0305e82c3301", false},
		{"3f2504e0-4f89-11d3-9a0c-0305e82c330", false},
		{"3f2504e0-4f89-11d3-9a0c-0305e82c3301a", false},
		{"3f2504e0_4f89-11d3-9a0c-0305e82c3301", false},
		{"3f2504e0-4f89-11d3-9a0c-0305e82c330g", false},
		{"' OR 1=1 --                         ", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestFromPath(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	var gotErr error
	mux.HandleFunc("GET /things/{tid}", func(w http.ResponseWriter, r *http.Request) {
		got, gotErr = FromPath(r, "tid")
	})
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/things/3f2504e0-4f89-11d3-9a0c-0305e82c3301", nil))
	if gotErr != nil || got != "3f2504e0-4f89-11d3-9a0c-0305e82c3301" {
		t.Fatalf("valid id: %q, %v", got, gotErr)
	}
	mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/things/nope", nil))
	var e *apperr.Error
	if gotErr == nil || !apperr.Is(gotErr, apperr.Invalid) {
		t.Fatalf("malformed id: err = %v", gotErr)
	}
	if e = gotErr.(*apperr.Error); e.Field != "tid" {
		t.Fatalf("field = %q, want tid", e.Field)
	}
}
