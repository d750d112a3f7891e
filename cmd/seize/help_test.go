package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHelpText: seize --help prints the manual on standard output and
// exits 0; the manual has a manual page's sections, fits 80 columns,
// names every option parseArgs accepts and every -e qualifier, its
// examples parse, and the documents it points to exist.
func TestHelpText(t *testing.T) {
	for _, flag := range []string{"--help", "-h"} {
		cmd := exec.Command(seizeBin, flag)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || string(out) != usageText || stderr.Len() != 0 {
			t.Errorf("seize %s: %v, stdout %d bytes (want the %d of usageText), stderr %q", flag, err, len(out), len(usageText), lastLines(stderr.String(), 3))
		}
	}
	last := -1
	for _, sec := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES", "SEE ALSO"} {
		i := strings.Index(usageText, "\n"+sec+"\n")
		if sec == "NAME" && strings.HasPrefix(usageText, "NAME\n") {
			i = 0
		}
		if i < 0 || i < last {
			t.Errorf("section %s missing or out of order", sec)
		}
		last = i
	}
	for n, l := range strings.Split(usageText, "\n") {
		if len(l) > 80 {
			t.Errorf("line %d is %d columns: %q", n+1, len(l), l)
		}
	}

	// Every option the parser knows, read from its source.
	src, err := os.ReadFile("flags.go")
	if err != nil {
		t.Fatal(err)
	}
	code := string(src[:strings.Index(string(src), "const usageText")])
	options := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(--[a-z-]+)"`).FindAllStringSubmatch(code, -1) {
		options[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`case ('.'(?:, '.')*):`).FindAllStringSubmatch(code, -1) {
		for _, c := range regexp.MustCompile(`'(.)'`).FindAllStringSubmatch(m[1], -1) {
			options["-"+c[1]] = true
		}
	}
	if len(options) < 30 {
		t.Fatalf("found only %d options in flags.go: %v", len(options), options)
	}
	for _, q := range []string{"trace", "signal", "status", "abbrev", "verbose", "raw"} {
		options["-e "+q+"="] = true
	}
	for opt := range options {
		re := regexp.MustCompile(`(^|[\s,\[])` + regexp.QuoteMeta(opt) + `($|[\s,=\[A-Z.]|\b)`)
		if !re.MatchString(usageText) {
			t.Errorf("--help does not mention %s", opt)
		}
	}

	// The examples parse.
	_, examples, _ := strings.Cut(usageText, "\nEXAMPLES\n")
	examples, _, _ = strings.Cut(examples, "\nSEE ALSO\n")
	n := 0
	for _, l := range strings.Split(examples, "\n") {
		cmdline, ok := strings.CutPrefix(strings.TrimSpace(l), "seize ")
		if !ok {
			continue
		}
		if i := strings.Index(cmdline, "  "); i > 0 {
			cmdline = cmdline[:i] // the explanation
		}
		n++
		if _, err := parseArgs(strings.Fields(cmdline)); err != nil {
			t.Errorf("example %q: %v", cmdline, err)
		}
	}
	if n < 4 {
		t.Errorf("only %d examples found", n)
	}

	// The documents it names exist.
	for _, m := range regexp.MustCompile(`docs/[a-z-]+\.md`).FindAllString(usageText, -1) {
		if _, err := os.Stat(filepath.Join("../..", m)); err != nil {
			t.Errorf("--help names %s: %v", m, err)
		}
	}
}
