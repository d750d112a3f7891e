module github.com/seize-dev/seize

go 1.26.0

require (
	github.com/creack/pty v1.1.24
	golang.org/x/sys v0.50.0
)

require golang.org/x/net v0.62.0
