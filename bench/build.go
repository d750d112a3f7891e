package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The C programs live in src/ because a Go package directory without cgo
// cannot hold .c files.
var (
	//go:embed src/minloop.c
	minloopSource []byte
	//go:embed src/workload.c
	workloadSource []byte
)

// tools are the programs a run uses, built or found before it starts.
type tools struct {
	dir      string // the temporary directory everything is built in
	workload string
	minloop  string
	seize    string
	strace   string

	seizeErr   error  // why seize rows cannot run (build failed)
	seizeBase  string // -base: seize built from another tree ("" if none)
	baseErr    error
	straceErr  error // why strace rows cannot run (not installed)
	straceVers string
	seizeVers  string // git describe of the tree seize was built from
}

// buildTools compiles the C programs and the seize command into a fresh
// temporary directory. A C build failure is fatal: every workload needs
// it. A seize build failure or a missing strace only disables their rows.
func buildTools(ctx context.Context, root, base string) (*tools, error) {
	dir, err := os.MkdirTemp("", "seize-bench-")
	if err != nil {
		return nil, err
	}
	t := &tools{dir: dir}
	cc, err := exec.LookPath("cc")
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("no C compiler (cc) to build the workloads: %v", err)
	}
	for _, p := range []struct {
		name string
		src  []byte
		out  *string
	}{
		{"workload", workloadSource, &t.workload},
		{"minloop", minloopSource, &t.minloop},
	} {
		*p.out = filepath.Join(dir, p.name)
		src := *p.out + ".c"
		if err := os.WriteFile(src, p.src, 0o644); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if out, err := exec.CommandContext(ctx, cc, "-O2", "-Wall", "-pthread", "-o", *p.out, src).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("cc %s: %v\n%s", src, err, out)
		}
	}

	t.seize = filepath.Join(dir, "seize")
	build := exec.CommandContext(ctx, goTool(), "build", "-o", t.seize, "./cmd/seize")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.seizeErr = fmt.Errorf("go build ./cmd/seize failed: %v: %s", err, firstLine(string(out)))
	}
	t.seizeVers = gitDescribe(ctx, root)
	if base != "" {
		t.seizeBase = filepath.Join(dir, "seize-base")
		build := exec.CommandContext(ctx, goTool(), "build", "-o", t.seizeBase, "./cmd/seize")
		build.Dir = base
		if out, err := build.CombinedOutput(); err != nil {
			t.baseErr = fmt.Errorf("go build ./cmd/seize in %s failed: %v: %s", base, err, firstLine(string(out)))
		}
	}

	if t.strace, err = exec.LookPath("strace"); err != nil {
		t.straceErr = fmt.Errorf("strace not found in PATH")
	} else if out, err := exec.CommandContext(ctx, t.strace, "-V").Output(); err != nil {
		t.straceErr = fmt.Errorf("strace -V failed: %v", err)
	} else {
		t.straceVers = firstLine(string(out))
	}
	return t, nil
}

// goTool is the go command of the toolchain that built bench, so that
// seize is built the same way; the one in PATH otherwise.
func goTool() string {
	//lint:ignore SA1019 bench is run by go run / go test, whose binaries keep their GOROOT.
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// gitDescribe names the tree seize was built from, "-dirty" if it has
// changes; "" when git is not available.
func gitDescribe(ctx context.Context, root string) string {
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// probe runs a command that must succeed quickly (a tool's support for a
// flag); the error carries the first line the command printed.
func probe(ctx context.Context, argv ...string) error {
	var buf bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	if err := cmd.Run(); err != nil {
		if l := firstLine(buf.String()); l != "" {
			return fmt.Errorf("%s", l)
		}
		return err
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func (t *tools) close() { os.RemoveAll(t.dir) }
