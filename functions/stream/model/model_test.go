package model

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestFit(t *testing.T) {
	u := func(s string) Turn { return Turn{Role: User, Text: s} }
	a := func(s string) Turn { return Turn{Role: Assistant, Text: s} }
	long := strings.Repeat("x", 400) // 100 tokens
	tests := []struct {
		name    string
		history []Turn
		budget  int
		want    []Turn
	}{
		{"empty", nil, 100, nil},
		{"all fits", []Turn{u("q1"), a("a1"), u("q2")}, 100, []Turn{u("q1"), a("a1"), u("q2")}},
		{"keeps newest within budget", []Turn{u(long), a(long), u("q2")}, 150, []Turn{u("q2")}},
		{"drops a leading assistant turn", []Turn{u(long), a("a1"), u("q2")}, 50, []Turn{u("q2")}},
		{"keeps a pair that fits", []Turn{u(long), a("a1"), u("q2"), a("a2"), u("q3")}, 10, []Turn{u("q2"), a("a2"), u("q3")}},
		{"last turn kept even over budget", []Turn{u("q1"), a("a1"), u(long)}, 10, []Turn{u(long)}},
		{"empty turns dropped and same roles joined", []Turn{u("q1"), a(""), u("q2")}, 100, []Turn{u("q1\n\nq2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fit(tt.history, tt.budget); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDemoStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stop")
	n := 0
	_, err := Demo{}.Stream(ctx, Request{}, func(string) {
		n++
		if n == 3 {
			cancel(stop)
		}
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("err %v after %d pieces", err, n)
	}
}
