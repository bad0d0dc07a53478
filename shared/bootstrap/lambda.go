package bootstrap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

func startLambda(ctx context.Context, h http.Handler, job func(ctx context.Context) (any, error)) {
	adapter := httpadapter.NewV2(h)
	if job == nil {
		lambda.StartWithOptions(adapter.ProxyWithContext, lambda.WithContext(ctx))
		return
	}
	lambda.StartWithOptions(func(ctx context.Context, raw json.RawMessage) (any, error) {
		var probe struct {
			Source     string `json:"source"`
			DetailType string `json:"detail-type"`
		}
		_ = json.Unmarshal(raw, &probe)
		if probe.Source == "aws.events" {
			return job(ctx)
		}
		var req events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, fmt.Errorf("unrecognised event: %w", err)
		}
		return adapter.ProxyWithContext(ctx, req)
	}, lambda.WithContext(ctx))
}
