package bootstrap

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdaurl"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// startLambda serves h (and o.job) to the Lambda Runtime API until ctx
// ends. Every event is classified first (classifyEvent): an event this
// function cannot handle is an invocation error, never a 404 reported as a
// success, so a misrouted schedule shows up in the function's error metric.
func startLambda(ctx context.Context, logger *slog.Logger, h http.Handler, o options) {
	lambda.StartWithOptions(lambdaHandler(logger, h, o), lambda.WithContext(ctx))
}

// lambdaHandler is the one Lambda handler every function registers.
// Long-lived functions answer through a function URL with InvokeMode
// RESPONSE_STREAM, so their responses are streamed (lambdaurl) as the
// handler writes them; the others are buffered API Gateway v2 responses.
func lambdaHandler(logger *slog.Logger, h http.Handler, o options) func(context.Context, json.RawMessage) (any, error) {
	buffered := httpadapter.NewV2(h)
	streamed := lambdaurl.Wrap(h)
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		kind, source := classifyEvent(raw)
		switch kind {
		case eventHTTP:
			if o.longLived {
				var req events.LambdaFunctionURLRequest
				if err := json.Unmarshal(raw, &req); err != nil {
					return nil, fmt.Errorf("function URL event: %w", err)
				}
				withCookieHeader(&req)
				return streamed(ctx, &req)
			}
			var req events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &req); err != nil {
				return nil, fmt.Errorf("HTTP API event: %w", err)
			}
			return buffered.ProxyWithContext(ctx, req)
		case eventScheduled:
			return runScheduled(ctx, logger, o.job, source)
		default:
			logger.ErrorContext(ctx, "lambda: unrecognised event", slog.Int("bytes", len(raw)))
			return nil, errUnrecognisedEvent
		}
	}
}

// withCookieHeader restores the Cookie header: function URLs (like HTTP
// API payload 2.0) move cookies into their own field, which lambdaurl
// does not read, and the session cookie would be lost.
func withCookieHeader(req *events.LambdaFunctionURLRequest) {
	if len(req.Cookies) == 0 {
		return
	}
	if req.Headers == nil {
		req.Headers = map[string]string{}
	}
	req.Headers["cookie"] = strings.Join(req.Cookies, "; ")
}
