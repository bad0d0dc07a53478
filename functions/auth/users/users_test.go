package users_test

import (
	"context"
	"errors"
	"testing"

	"github.com/archstudio/studio/functions/auth/users"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/testkit"
)

func TestUpsertGitHub(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	first, err := users.UpsertGitHub(ctx, pool, users.GitHubAccount{ID: 42, Login: "octo", Email: "octo@example.com", AvatarURL: "https://a/1"})
	if err != nil {
		t.Fatal(err)
	}
	if first.GitHubID == nil || *first.GitHubID != 42 || first.Login != "octo" || first.Email == nil || *first.Email != "octo@example.com" {
		t.Fatalf("created %+v", first)
	}
	// A renamed account keeps its row; an unknown email is stored as null.
	again, err := users.UpsertGitHub(ctx, pool, users.GitHubAccount{ID: 42, Login: "octo-renamed", AvatarURL: "https://a/2"})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID || again.Login != "octo-renamed" || again.Email != nil || again.AvatarURL != "https://a/2" {
		t.Fatalf("refreshed %+v, first %+v", again, first)
	}
	got, err := users.Get(ctx, pool, first.ID)
	if err != nil || got.Login != "octo-renamed" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
}

func TestUpsertDev(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	a, err := users.UpsertDev(ctx, pool, "dev")
	if err != nil {
		t.Fatal(err)
	}
	b, err := users.UpsertDev(ctx, pool, "dev")
	if err != nil || b.ID != a.ID || a.GitHubID != nil {
		t.Fatalf("second sign-in %+v (%v), first %+v", b, err, a)
	}
	// A GitHub account of the same name is another user.
	gh, err := users.UpsertGitHub(ctx, pool, users.GitHubAccount{ID: 7, Login: "dev"})
	if err != nil || gh.ID == a.ID {
		t.Fatalf("GitHub user %+v (%v) shares the development user's row", gh, err)
	}
}

func TestGetUnknown(t *testing.T) {
	pool := testkit.Pool(t)
	if _, err := users.Get(context.Background(), pool, "00000000-0000-0000-0000-000000000000"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	u, err := users.UpsertDev(ctx, pool, "limited")
	if err != nil {
		t.Fatal(err)
	}
	defaults := quota.Limits{DailyCalls: 200, DailyTokens: 2_000_000}
	// Each step adds an override to the ones before.
	for _, step := range []struct {
		set  string
		want quota.Limits
	}{
		{"", defaults},
		{"daily_call_limit = 5", quota.Limits{DailyCalls: 5, DailyTokens: 2_000_000}},
		{"daily_token_limit = 10", quota.Limits{DailyCalls: 5, DailyTokens: 10}},
	} {
		if step.set != "" {
			if _, err := pool.Exec(ctx, `UPDATE users SET `+step.set+` WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		u, err = users.Get(ctx, pool, u.ID)
		if got := u.Limits(defaults); err != nil || got != step.want {
			t.Fatalf("after %q: %+v (%v), want %+v", step.set, got, err, step.want)
		}
	}
}
