package bootstrap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/logging"
)

// TestLambdaHandlerEvents sends each kind of event to the handler every
// function registers under Lambda: HTTP requests reach the handler,
// scheduled events of both kinds run the job with the logger in its
// context, and anything else is an invocation error, logged.
func TestLambdaHandlerEvents(t *testing.T) {
	job := func(ctx context.Context) (any, error) {
		logging.FromContext(ctx).InfoContext(ctx, "job ran")
		return map[string]int{"deleted": 2}, nil
	}
	failing := func(context.Context) (any, error) { return nil, errors.New("database is down") }
	tests := []struct {
		name    string
		event   string
		job     func(context.Context) (any, error)
		want    string // in the JSON result
		wantErr string
		logs    []string
	}{
		{name: "HTTP API", event: `{"version":"2.0","rawPath":"/ping","requestContext":{"http":{"method":"GET","path":"/ping"}}}`,
			job: job, want: `"statusCode":200`},
		{name: "EventBridge rule", event: `{"source":"aws.events","detail-type":"Scheduled Event","detail":{}}`,
			job: job, want: `"deleted":2`, logs: []string{`"msg":"job ran"`, `"source":"aws.events"`, `"msg":"scheduled run done"`}},
		{name: "EventBridge Scheduler", event: `{"source":"aws.scheduler","schedule-arn":"arn:aws:scheduler:us-east-1:1:schedule/default/x"}`,
			job: job, want: `"deleted":2`, logs: []string{`"msg":"job ran"`, `"source":"aws.scheduler"`}},
		{name: "scheduled, no job", event: `{"source":"aws.events","detail-type":"Scheduled Event"}`,
			wantErr: "no scheduled job", logs: []string{`"msg":"scheduled run refused"`}},
		{name: "job fails", event: `{"source":"aws.scheduler"}`, job: failing,
			wantErr: "database is down", logs: []string{`"msg":"scheduled run failed"`}},
		{name: "empty Scheduler payload", event: `{}`, job: job, wantErr: "unrecognised event", logs: []string{`"msg":"lambda: unrecognised event"`}},
		{name: "not JSON object", event: `[1,2]`, job: job, wantErr: "unrecognised event"},
		{name: "REST API v1", event: `{"httpMethod":"GET","path":"/ping"}`, job: job, wantErr: "unrecognised event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, nil))
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
			res, err := lambdaHandler(logger, h, options{job: tt.job})(context.Background(), json.RawMessage(tt.event))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				out, _ := json.Marshal(res)
				if !strings.Contains(string(out), tt.want) {
					t.Fatalf("result %s, want %s", out, tt.want)
				}
			}
			for _, l := range tt.logs {
				if !strings.Contains(logs.String(), l) {
					t.Errorf("logs lack %s:\n%s", l, logs.String())
				}
			}
		})
	}
}
