module github.com/archstudio/studio/functions/github

go 1.26.8

replace (
	github.com/archstudio/studio/migrations => ../../migrations
	github.com/archstudio/studio/shared => ../../shared
)

require github.com/archstudio/studio/shared v0.0.0
