package aws

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/testkit"
)

// TestMigrateCustomResourceUnderRIE runs bin/migrate's Lambda mode under
// aws-lambda-rie as CloudFormation runs the template's Custom::Migrations
// resource on a deploy: the schema is applied to an empty database and
// the outcome is PUT to the response URL; an update with nothing pending
// succeeds too.
func TestMigrateCustomResourceUnderRIE(t *testing.T) {
	t.Parallel()
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/migrations/cmd/migrate")
	url := testkit.EmptyDatabaseURL(t)
	responses := make(chan cfn.Response, 2)
	cfnAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var resp cfn.Response
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPut || json.Unmarshal(body, &resp) != nil {
			t.Errorf("response to CloudFormation: %s %s", r.Method, body)
		}
		responses <- resp
	}))
	defer cfnAPI.Close()
	f := testkit.StartRIE(t, bin, "DATABASE_URL="+url)

	for i, kind := range []cfn.RequestType{cfn.RequestCreate, cfn.RequestUpdate} {
		status, raw := f.InvokeRaw(t, cfn.Event{
			RequestType:       kind,
			RequestID:         "req-1",
			ResponseURL:       cfnAPI.URL + "/cloudformation-response",
			ResourceType:      "Custom::Migrations",
			LogicalResourceID: "Migrations",
			StackID:           "arn:aws:cloudformation:us-east-1:123456789012:stack/archstudio/1",
			ResourceProperties: map[string]any{
				"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:archstudio-migrate",
				"Release":      "test",
			},
		})
		if status != http.StatusOK {
			t.Fatalf("%s: emulator answered %d %s", kind, status, raw)
		}
		resp := <-responses
		if resp.Status != cfn.StatusSuccess || resp.PhysicalResourceID != "archstudio-migrations" {
			t.Fatalf("%s: CloudFormation told %+v", kind, resp)
		}
		if applied := resp.Data["Applied"]; (i == 0) != (applied != float64(0)) {
			t.Fatalf("%s: applied %v migrations", kind, applied)
		}
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var users int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&users); err != nil {
		t.Fatalf("the users table after the custom resource: %v", err)
	}
}
