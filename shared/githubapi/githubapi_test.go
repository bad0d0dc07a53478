package githubapi_test

import (
	"testing"

	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestHasScope(t *testing.T) {
	tests := []struct {
		granted []string
		wanted  []string
		want    bool
	}{
		{[]string{"repo"}, []string{"public_repo"}, true},
		{[]string{"public_repo"}, []string{"repo"}, false},
		{[]string{"read:user", "user:email"}, []string{"public_repo", "repo"}, false},
		{[]string{"user"}, []string{"user:email"}, true},
		{[]string{"workflow"}, []string{"workflow"}, true},
		{nil, []string{"workflow"}, false},
	}
	for _, tt := range tests {
		if got := githubapi.HasScope(tt.granted, tt.wanted...); got != tt.want {
			t.Errorf("HasScope(%v, %v) = %v", tt.granted, tt.wanted, got)
		}
	}
}

// TestBaseURL: github.com as is; GitHub Enterprise Server at /api/v3
// whether or not the setting says so.
func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "https://api.github.com/",
		"https://api.github.com":          "https://api.github.com/",
		"https://ghe.example.com":         "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/v3/",
	} {
		c, err := githubapi.NewClient(githubapi.Config{APIURL: in}, tokenvault.NewSecret("t"))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != want {
			t.Errorf("APIURL %q: base %q, want %q", in, got, want)
		}
	}
	if _, err := githubapi.NewClient(githubapi.Config{}, tokenvault.NewSecret("")); err == nil {
		t.Error("a client without a token")
	}
}
