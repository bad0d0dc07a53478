package bootstrap

import (
	"encoding/json"
	"errors"
)

type eventKind int

const (
	eventUnknown eventKind = iota
	// eventHTTP is an API Gateway HTTP API (payload 2.0) or function URL
	// request: both carry requestContext.http.method.
	eventHTTP
	// eventScheduled is an EventBridge rule's scheduled event (source
	// "aws.events") or an EventBridge Scheduler invocation, whose payload
	// is the schedule's Input: deploy/aws/template.yaml sends
	// {"source":"aws.scheduler",...} with the schedule's context attributes.
	eventScheduled
)

// Scheduled-event sources.
const (
	SourceEventBridgeRule = "aws.events"
	SourceScheduler       = "aws.scheduler"
)

var (
	errUnrecognisedEvent = errors.New("unrecognised event: neither an HTTP API / function URL request nor a scheduled event (source aws.events or aws.scheduler)")
	errNoScheduledJob    = errors.New("scheduled event, but this function has no scheduled job: check the schedule's target")
)

// classifyEvent tells what raw is and, for scheduled events, their source.
func classifyEvent(raw []byte) (eventKind, string) {
	var probe struct {
		Source         string `json:"source"`
		RequestContext struct {
			HTTP struct {
				Method string `json:"method"`
			} `json:"http"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return eventUnknown, ""
	}
	switch {
	case probe.RequestContext.HTTP.Method != "":
		return eventHTTP, ""
	case probe.Source == SourceEventBridgeRule || probe.Source == SourceScheduler:
		return eventScheduled, probe.Source
	}
	return eventUnknown, ""
}
