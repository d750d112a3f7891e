package main

// The documentation's examples are produced by this test, so that they
// cannot drift: every ```console block of docs/*.md is a shell session
// ("$ COMMAND" lines, each followed by what it printed, standard output
// and standard error together), which TestDocsExamples runs with this
// seize and compares after normalising what changes from run to run
// (pids, addresses, times). Every ```go block preceded by
// "<!-- example: NAME -->" must be the body of the example function NAME
// of package seize (example_test.go), which go test runs and checks.
//
// SEIZE_UPDATE_DOCS=1 go test -run 'TestDocsExamples' ./cmd/seize
// rewrites the blocks with what the commands print now.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// docsDir is the documentation, from this package's directory.
const docsDir = "../../docs"

// block is a fenced block of a markdown file: the lines between the
// fences, [start, end) as line indexes.
type block struct {
	lang       string
	start, end int
	label      string // from a "<!-- example: NAME -->" line just before
}

func fencedBlocks(lines []string) []block {
	var out []block
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok || lang == "" {
			continue
		}
		b := block{lang: lang, start: i + 1}
		if i > 0 {
			if m := regexp.MustCompile(`^<!-- example: (\w+) -->$`).FindStringSubmatch(lines[i-1]); m != nil {
				b.label = m[1]
			}
		}
		for i++; i < len(lines) && lines[i] != "```"; i++ {
		}
		b.end = i
		out = append(out, b)
	}
	return out
}

// step is one command of a session and what it printed.
type step struct {
	cmd    string
	output []string
}

// parseSession reads "$ " command lines (continued by a trailing
// backslash) and the output lines after each.
func parseSession(lines []string) ([]step, error) {
	var steps []step
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			for strings.HasSuffix(c, "\\") && i+1 < len(lines) {
				i++
				c = c + "\n" + lines[i]
			}
			steps = append(steps, step{cmd: c})
			continue
		}
		if len(steps) == 0 {
			return nil, fmt.Errorf("output line %q before any command", l)
		}
		steps[len(steps)-1].output = append(steps[len(steps)-1].output, l)
	}
	return steps, nil
}

const marker = "@@seize-doctest@@"

// runSession runs the steps as one shell script in dir, with a fixed
// environment, and returns what each printed.
func runSession(t *testing.T, dir string, steps []step) [][]string {
	t.Helper()
	var script strings.Builder
	for i, s := range steps {
		fmt.Fprintf(&script, "echo %s%d\n%s\n", marker, i, s.cmd)
	}
	fmt.Fprintf(&script, "echo %s%d\n", marker, len(steps))
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command("/bin/sh", "-c", script.String())
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + filepath.Dir(seizeBin) + ":/usr/local/bin:/usr/bin:/bin",
		"HOME=" + dir,
		"LC_ALL=C",
	}
	// A regular file, not a pipe: the session ends when the shell does,
	// as it would in a terminal, without waiting for tracers to close
	// their copies.
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Whatever the session left in its process group goes with it, killed
	// while the shell (the group's leader) is a zombie not yet reaped: the
	// group's id cannot name another group then.
	pgid := cmd.Process.Pid
	var mu sync.Mutex
	ended := false
	timer := time.AfterFunc(30*time.Second, func() {
		mu.Lock()
		defer mu.Unlock()
		if !ended {
			syscall.Kill(-pgid, syscall.SIGKILL)
		}
	})
	var info unix.Siginfo
	for unix.Waitid(unix.P_PID, pgid, &info, unix.WEXITED|unix.WNOWAIT, nil) == unix.EINTR {
	}
	timer.Stop()
	mu.Lock()
	ended = true
	syscall.Kill(-pgid, syscall.SIGKILL)
	mu.Unlock()
	cmd.Wait()
	b, _ := os.ReadFile(out.Name())
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		t.Fatalf("the session did not finish within 30s; it printed:\n%s", lastLines(string(b), 20))
	}
	got := make([][]string, len(steps))
	parts := regexp.MustCompile(marker+`(\d+)\n`).Split(string(b), -1)
	if len(parts) != len(steps)+2 {
		t.Fatalf("session output has %d parts, want %d:\n%s", len(parts), len(steps)+2, lastLines(string(b), 20))
	}
	for i := range steps {
		text := strings.TrimSuffix(parts[i+1], "\n")
		if text != "" {
			got[i] = strings.Split(text, "\n")
		}
	}
	if parts[len(parts)-1] != "" {
		t.Errorf("output after the session ended: %q", lastLines(parts[len(parts)-1], 5))
	}
	return got
}

// normalisers replace what changes from run to run.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}(\.\d{6})?\b`), "HH:MM:SS"},
	{regexp.MustCompile(`^(\[pid +PID\] )?\d{9,}\.\d{6} `), "${1}EPOCH "},
	{regexp.MustCompile(`^(\[pid +PID\] )? *\d+\.\d{6} `), "${1}SECONDS "},
	{regexp.MustCompile(`<\d+\.\d{6}>`), "<SECONDS>"},
	{regexp.MustCompile(`0x[0-9a-f]{5,}`), "0xADDR"},
	{regexp.MustCompile(`/\* \d+ vars \*/`), "/* N vars */"},
	{regexp.MustCompile(`\b(si_utime|si_stime)=\d+`), "$1=N"},
	{regexp.MustCompile(`"time":\d+\.\d+`), `"time":T`},
	{regexp.MustCompile(`"(dur|ts|seconds|usecs_per_call|min|max|percent)":[\d.e+-]+`), `"$1":N`},
	// -c tables: the time columns.
	{regexp.MustCompile(`^ *\d+\.\d+ +\d+\.\d+ +\d+ +(\d+ )`), "TIME $1"},
	// Pids are padded to a width, and the results aligned after them.
	{regexp.MustCompile(`\[pid +`), "[pid "},
	{regexp.MustCompile(`^(PID\d+) +`), "$1 "},
	{regexp.MustCompile(`\) +(= )`), ") $1"},
}

// pidRes find pids, which are replaced by PID, the same pid by the same
// word wherever it appears.
var pidRes = []*regexp.Regexp{
	regexp.MustCompile(`\[pid +(\d+)\]`),
	regexp.MustCompile(`\bProcess (\d+)`),
	regexp.MustCompile(`\bsi_pid=(\d+)`),
	regexp.MustCompile(`\bpid (\d+)`),
	regexp.MustCompile(`\battach (\d+)`),
	regexp.MustCompile(`^(\d+) `), // -o FILE with several processes
	regexp.MustCompile(`"(?:pid|tid|si_pid|parent)":(\d+)`),
	regexp.MustCompile(`^(?:\[pid +\d+\] )?(?:clone3?|fork|vfork|wait4|getpid|gettid|set_tid_address)\(.*\) += (\d+)`),
	regexp.MustCompile(`^(?:\[pid +\d+\] )?wait4\((\d+)`),
	regexp.MustCompile(`^(?:\[pid +\d+\] )?(?:kill|tgkill)\((\d+)`),
	regexp.MustCompile(`^(?:\[pid +\d+\] )?<\.\.\. (?:clone3?|fork|vfork|wait4) resumed>.* += (\d+)`),
}

// normaliseDoc rewrites the lines of one session so that two runs compare
// equal: each distinct pid becomes PID1, PID2... in order of appearance
// (so that the same process keeps its name), and times and addresses
// become words.
func normaliseDoc(lines []string, pids map[string]string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		for _, re := range pidRes {
			for _, m := range re.FindAllStringSubmatch(l, -1) {
				if _, ok := pids[m[1]]; !ok {
					pids[m[1]] = "PID" + strconv.Itoa(len(pids)+1)
				}
			}
		}
		if len(pids) > 0 {
			l = pidWord.ReplaceAllStringFunc(l, func(n string) string {
				if p, ok := pids[n]; ok {
					return p
				}
				return n
			})
		}
		for _, n := range normalisers {
			l = n.re.ReplaceAllString(l, n.with)
		}
		out[i] = l
	}
	return out
}

var pidWord = regexp.MustCompile(`\b\d{2,}\b`)

func TestDocsExamples(t *testing.T) {
	update := os.Getenv("SEIZE_UPDATE_DOCS") == "1"
	files, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs in %s: %v", docsDir, err)
	}
	examples := exampleBodies(t)
	sessions := 0
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(b), "\n")
			blocks := fencedBlocks(lines)
			// The sessions of one page run in order, in one directory:
			// a page may set files up for the examples after.
			dir := t.TempDir()
			replace := make([][]string, len(blocks)) // new contents, when updating
			for bi, bl := range blocks {
				where := fmt.Sprintf("%s:%d", filepath.Base(path), bl.start)
				switch {
				case bl.lang == "console":
					sessions++
					steps, err := parseSession(lines[bl.start:bl.end])
					if err != nil {
						t.Errorf("%s: %v", where, err)
						continue
					}
					got := runSession(t, dir, steps)
					if update {
						var text []string
						for i := range steps {
							text = append(text, "$ "+steps[i].cmd)
							text = append(text, got[i]...)
						}
						replace[bi] = strings.Split(strings.Join(text, "\n"), "\n")
						continue
					}
					wantPids, gotPids := map[string]string{}, map[string]string{}
					for i, s := range steps {
						w, g := normaliseDoc(s.output, wantPids), normaliseDoc(got[i], gotPids)
						if strings.Join(w, "\n") != strings.Join(g, "\n") {
							t.Errorf("%s: $ %s\nprinted (normalised):\n%s\nthe doc says (normalised):\n%s\n(SEIZE_UPDATE_DOCS=1 rewrites the doc)",
								where, s.cmd, lastLines(strings.Join(g, "\n"), 20), lastLines(strings.Join(w, "\n"), 20))
						}
					}
				case bl.lang == "go" && bl.label != "":
					body, ok := examples[bl.label]
					if !ok {
						t.Errorf("%s: no example function %s in example_test.go", where, bl.label)
						continue
					}
					if update {
						replace[bi] = strings.Split(body, "\n")
						continue
					}
					if strings.Join(lines[bl.start:bl.end], "\n") != body {
						t.Errorf("%s: the code differs from %s in example_test.go (SEIZE_UPDATE_DOCS=1 copies it)", where, bl.label)
					}
				}
			}
			if !update {
				return
			}
			// Back to front, so that each replacement keeps the line
			// numbers of the blocks before it.
			for bi := len(blocks) - 1; bi >= 0; bi-- {
				if replace[bi] != nil {
					bl := blocks[bi]
					lines = append(lines[:bl.start], append(replace[bi], lines[bl.end:]...)...)
				}
			}
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		})
	}
	if sessions == 0 {
		t.Fatal("no console examples in the docs")
	}
}

// exampleBodies returns the bodies of the Example functions of package
// seize, unindented, as the docs show them.
func exampleBodies(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "../../example_test.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fd.Name.Name, "Example") {
			continue
		}
		var doc string
		if fd.Doc != nil {
			for _, l := range strings.Split(strings.TrimSpace(fd.Doc.Text()), "\n") {
				doc += "// " + l + "\n"
			}
		}
		body := string(src[fset.Position(fd.Body.Lbrace).Offset+2 : fset.Position(fd.Body.Rbrace).Offset])
		var sb strings.Builder
		for _, l := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			sb.WriteString(strings.TrimPrefix(l, "\t") + "\n")
		}
		out[fd.Name.Name] = doc + strings.TrimRight(sb.String(), "\n")
	}
	return out
}

// TestReadme: the README's first commands are true (the first runs seize
// on ls, as go run would), and the documents it links exist.
func TestReadme(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	_, first, _ := strings.Cut(readme, "```sh\n")
	first, _, _ = strings.Cut(first, "```")
	lines := strings.Split(strings.TrimSpace(first), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "go run ./cmd/seize -- ls /") || !strings.HasPrefix(lines[1], "go test ./...") {
		t.Fatalf("the README's first commands changed:\n%s", first)
	}
	r := runSeize(t, "--", "ls", "/")
	if r.state.ExitCode() != 0 || lastLine(r.stderr) != "+++ exited with 0 +++" || !strings.Contains(r.stderr, "execve(") {
		t.Errorf("seize -- ls /: %v; stderr ends:\n%s", r.state, lastLines(r.stderr, 5))
	}
	for _, m := range regexp.MustCompile(`\]\((docs/[^)]+)\)`).FindAllStringSubmatch(readme, -1) {
		if _, err := os.Stat(filepath.Join("../..", m[1])); err != nil {
			t.Errorf("README links %s: %v", m[1], err)
		}
	}
	// And the pages link each other.
	pages, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		for _, m := range regexp.MustCompile(`\]\(([a-z-]+\.md)\)`).FindAllStringSubmatch(string(b), -1) {
			if _, err := os.Stat(filepath.Join(docsDir, m[1])); err != nil {
				t.Errorf("%s links %s: %v", filepath.Base(p), m[1], err)
			}
		}
	}
}
