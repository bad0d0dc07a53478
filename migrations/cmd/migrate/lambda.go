package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/archstudio/studio/migrations"
)

// physicalID names the one migrations resource a stack has.
const physicalID = "archstudio-migrations"

// startLambda serves the CloudFormation custom resource that runs the
// migrations on every deploy (deploy/aws/template.yaml): cfn.LambdaWrap
// reports the outcome to CloudFormation, so a failed migration fails the
// deploy and rolls it back before any function runs the new code.
func startLambda() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil)).With(slog.String("function", "migrate"))
	lambda.Start(cfn.LambdaWrap(func(ctx context.Context, ev cfn.Event) (string, map[string]any, error) {
		return customResource(ctx, logger, os.Getenv("DATABASE_URL"), ev)
	}))
}

// customResource applies every pending migration on Create and Update.
// Delete leaves the schema alone: removing the stack must not drop the
// users' data.
func customResource(ctx context.Context, logger *slog.Logger, url string, ev cfn.Event) (string, map[string]any, error) {
	logger = logger.With(slog.String("request", string(ev.RequestType)), slog.String("stack", ev.StackID))
	if ev.RequestType == cfn.RequestDelete {
		logger.Info("migrations kept on delete")
		return physicalID, nil, nil
	}
	if url == "" {
		return physicalID, nil, fmt.Errorf("DATABASE_URL is not set")
	}
	db, err := migrations.Open(url)
	if err != nil {
		return physicalID, nil, err
	}
	defer db.Close()
	p, err := migrations.Provider(db)
	if err != nil {
		return physicalID, nil, err
	}
	res, err := p.Up(ctx)
	for _, r := range res {
		logger.Info("migration", slog.String("result", r.String()))
	}
	if err != nil {
		logger.Error("migrations failed", slog.Any("error", err))
		return physicalID, nil, err
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return physicalID, nil, err
	}
	logger.Info("migrations applied", slog.Int("applied", len(res)), slog.Int64("version", version))
	return physicalID, map[string]any{"Version": version, "Applied": len(res)}, nil
}
