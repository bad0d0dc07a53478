module github.com/archstudio/studio/functions/telemetry

go 1.26.8

replace (
	github.com/archstudio/studio/migrations => ../../migrations
	github.com/archstudio/studio/shared => ../../shared
)

require (
	github.com/archstudio/studio/shared v0.0.0-00010101000000-000000000000
	github.com/sethvargo/go-limiter v0.7.1
)

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2 // indirect
	github.com/kelseyhightower/envconfig v1.4.0 // indirect
)
