package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// jsonType names the JSON type of a decoded value as the schema does.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil || regexp.MustCompile(`^\d+$`).MatchString(string(x)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// schema is docs/json-schema.md as data: per kind, the required fields and
// the optional ones, with their types ("number" accepts integers).
var schema = map[string]struct{ required, optional map[string]string }{
	"*": {required: map[string]string{"v": "integer", "kind": "string", "time": "number", "pid": "integer", "tid": "integer"}},
	"syscall": {
		required: map[string]string{"name": "string", "nr": "integer", "arch": "string", "args": "array", "args_raw": "array", "status": "string"},
		optional: map[string]string{"ret": "integer", "ret_text": "string", "errno": "string", "errno_code": "integer", "errno_text": "string", "dur": "number", "resumed": "boolean"},
	},
	"unfinished": {required: map[string]string{"name": "string", "nr": "integer", "arch": "string", "args": "array", "args_raw": "array"}},
	"signal":     {required: map[string]string{"sig": "string", "signo": "integer", "text": "string"}, optional: map[string]string{"siginfo": "object"}},
	"stopped":    {required: map[string]string{"sig": "string", "signo": "integer"}},
	"continued":  {optional: map[string]string{"siginfo": "object"}},
	"exit":       {required: map[string]string{"code": "integer"}},
	"killed":     {required: map[string]string{"sig": "string", "signo": "integer", "core": "boolean"}},
	"attached":   {required: map[string]string{"how": "string"}, optional: map[string]string{"parent": "integer"}},
	"detached":   {},
	"exec":       {required: map[string]string{"old_tid": "integer", "comm": "string"}, optional: map[string]string{"exe": "string"}},
	"summary":    {required: map[string]string{"syscalls": "array"}},
}

// valueFields are the fields of a value object (docs/json-schema.md,
// Values) and their types.
var valueFields = map[string]string{
	"int": "integer", "null": "boolean", "str": "string", "truncated": "boolean", "hex": "string",
	"flags": "array", "fd": "integer", "path": "string", "struct": "object", "abbrev": "boolean",
	"array": "array", "set": "array", "complement": "boolean", "call": "string", "args": "array",
	"in": "object", "out": "object", "comment": "string", "other": "string", "name": "string", "text": "string",
}

// checkValue validates a value object and its nested values; kinds counts
// which kinds of values were seen.
func checkValue(t *testing.T, v map[string]any, top bool, kinds map[string]int) {
	t.Helper()
	if _, ok := v["text"]; ok != top {
		t.Errorf("value %v: text present %v, want %v", v, ok, top)
	}
	main := 0
	for k, x := range v {
		want, ok := valueFields[k]
		if !ok {
			t.Errorf("value %v: unknown field %q", v, k)
			continue
		}
		if got := jsonType(x); got != want {
			t.Errorf("value %v: %s is %s, want %s", v, k, got, want)
			continue
		}
		switch k {
		case "int", "null", "str", "flags", "fd", "struct", "array", "set", "call", "in", "other":
			main++
			kinds[k]++
		}
		switch k {
		case "struct":
			for _, f := range x.(map[string]any) {
				checkValue(t, f.(map[string]any), false, kinds)
			}
		case "array":
			for _, e := range x.([]any) {
				checkValue(t, e.(map[string]any), false, kinds)
			}
		case "args":
			for _, e := range x.([]any) {
				checkValue(t, e.(map[string]any), false, kinds)
			}
		case "in", "out":
			checkValue(t, x.(map[string]any), false, kinds)
		case "flags", "set":
			for _, e := range x.([]any) {
				if _, ok := e.(string); !ok {
					t.Errorf("value %v: %s holds %v", v, k, e)
				}
			}
		}
	}
	if main != 1 {
		t.Errorf("value %v: %d kinds of value, want exactly one", v, main)
	}
	if _, ok := v["str"]; ok {
		if _, ok := v["truncated"]; !ok {
			t.Errorf("string value %v without truncated", v)
		}
	}
}

// parseJSONLines validates every line of a JSON Lines trace against the
// schema and returns the objects.
func parseJSONLines(t *testing.T, trace string) []map[string]any {
	t.Helper()
	if !printableText(trace) {
		t.Errorf("JSON output holds bytes other than printable ASCII and newlines")
	}
	var objs []map[string]any
	kinds := map[string]int{}
	for i, l := range strings.Split(strings.TrimSuffix(trace, "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		var o map[string]any
		if err := dec.Decode(&o); err != nil || dec.More() {
			t.Fatalf("line %d is not one JSON object (%v): %s", i+1, err, trunc(l))
		}
		kind, _ := o["kind"].(string)
		sc, ok := schema[kind]
		if !ok {
			t.Errorf("line %d: unknown kind %q", i+1, kind)
			continue
		}
		if fmt.Sprint(o["v"]) != "1" {
			t.Errorf("line %d: v=%v", i+1, o["v"])
		}
		allowed := map[string]string{}
		for _, m := range []map[string]string{schema["*"].required, sc.required, sc.optional} {
			for k, ty := range m {
				allowed[k] = ty
			}
		}
		for _, m := range []map[string]string{schema["*"].required, sc.required} {
			for k := range m {
				if _, ok := o[k]; !ok {
					t.Errorf("line %d (%s): no %q: %s", i+1, kind, k, trunc(l))
				}
			}
		}
		for k, x := range o {
			want, ok := allowed[k]
			got := jsonType(x)
			switch {
			case !ok:
				t.Errorf("line %d (%s): field %q not in the schema", i+1, kind, k)
			case got != want && !(want == "number" && got == "integer"):
				t.Errorf("line %d (%s): %q is %s, want %s", i+1, kind, k, got, want)
			}
		}
		if kind == "syscall" || kind == "unfinished" {
			for _, a := range o["args"].([]any) {
				checkValue(t, a.(map[string]any), true, kinds)
			}
			for _, r := range o["args_raw"].([]any) {
				if s, ok := r.(string); !ok || !regexp.MustCompile(`^(0|0x[0-9a-f]+)$`).MatchString(s) {
					t.Errorf("line %d: args_raw element %v", i+1, r)
				}
			}
		}
		if kind == "syscall" {
			st := o["status"]
			_, hasRet := o["ret"]
			switch st {
			case "successful", "failed":
				if !hasRet || o["ret_text"] == nil {
					t.Errorf("line %d: %s call without ret/ret_text", i+1, st)
				}
				if _, e := o["errno"]; e != (st == "failed") {
					t.Errorf("line %d: status %s with errno %v", i+1, st, o["errno"])
				}
			case "unfinished", "detached":
				if hasRet {
					t.Errorf("line %d: %s call with a ret", i+1, st)
				}
			default:
				t.Errorf("line %d: status %v", i+1, st)
			}
		}
		objs = append(objs, o)
	}
	// Every "unfinished" call is resumed later by a "syscall" object of
	// the same task and name, and every resumed call was announced.
	open := map[string]int{} // tid -> unfinished calls not yet resumed
	resumed := 0
	for i, o := range objs {
		key := fmt.Sprint(o["tid"], o["name"])
		switch {
		case o["kind"] == "unfinished":
			open[key]++
		case o["kind"] == "syscall" && o["resumed"] == true:
			resumed++
			if open[key] == 0 {
				t.Errorf("object %d: resumed %v without an unfinished object before", i, o["name"])
			}
			open[key]--
		}
	}
	for key, n := range open {
		if n != 0 {
			t.Errorf("%s: %d unfinished objects never resumed", key, n)
		}
	}
	t.Logf("%d objects, %d calls resumed; values seen: %v", len(objs), resumed, kinds)
	for _, k := range []string{"int", "null", "str", "flags", "struct", "array", "set", "call", "in"} {
		if kinds[k] == 0 {
			t.Errorf("no %q value in the whole trace", k)
		}
	}
	return objs
}

// TestJSON runs decode's test program with --format json -f, validates
// every line against docs/json-schema.md, and checks the objects against
// the text trace of the same program: the same calls with the same
// arguments and results, and the same signals and exits.
func TestJSON(t *testing.T) {
	jdir, tdir := callsDir(t), callsDir(t)
	js, _ := traceWith(t, seizeBin, jdir, []string{"-f", "--format", "json"}, "./calls")
	objs := parseJSONLines(t, js)
	text, _ := traceWith(t, seizeBin, tdir, []string{"-f"}, "./calls")

	// Rebuild strace's lines from the objects.
	var lines bytes.Buffer
	kinds := map[string]int{}
	for _, o := range objs {
		kinds[o["kind"].(string)]++
		pfx := fmt.Sprintf("%-5v ", o["tid"])
		switch o["kind"] {
		case "syscall":
			var args []string
			for _, a := range o["args"].([]any) {
				args = append(args, a.(map[string]any)["text"].(string))
			}
			ret := "?"
			if r, ok := o["ret_text"].(string); ok {
				ret = r
			}
			fmt.Fprintf(&lines, "%s%s(%s) = %s\n", pfx, o["name"], strings.Join(args, ", "), ret)
		case "signal":
			fmt.Fprintf(&lines, "%s%s\n", pfx, o["text"])
		case "exit":
			fmt.Fprintf(&lines, "%s+++ exited with %v +++\n", pfx, o["code"])
		}
	}
	for _, k := range []string{"syscall", "signal", "exit", "attached", "exec"} {
		if kinds[k] == 0 {
			t.Errorf("no %q object", k)
		}
	}
	want := normalise(text, tdir)
	got := normalise(lines.String(), jdir)
	sort.Strings(want)
	sort.Strings(got)
	matched, total, missing := compareLines(want, got)
	t.Logf("%d of %d distinct text lines rebuilt from the JSON objects", matched, total)
	for i, l := range missing {
		if i == 10 {
			break
		}
		t.Logf("text: %s", trunc(l))
		t.Logf("json: %s", trunc(closestLine(l, got)))
	}
	if matched < total*97/100 {
		t.Errorf("only %d of %d lines", matched, total)
	}
	if len(got) != len(want) {
		t.Errorf("%d lines rebuilt from JSON, %d in the text trace", len(got), len(want))
	}

	// A few structured values, exactly.
	for _, tc := range []struct {
		name string
		arg  int
		want string
	}{
		{"openat", 2, `"flags":["O_RDONLY","O_CLOEXEC"]`},
		{"openat", 0, `"flags":["AT_FDCWD"]`},
		{"mmap", 1, `"int":8192`},
		{"rt_sigprocmask", 1, `"set":[`},
		{"write", 1, `"str":"esc \u001b[2J tab\t nl\n bs\\ q\" \u0001\u007f\ufffd\u00e9","truncated":false,"hex":"657363201b`},
		{"read", 1, `"truncated":true`},
		{"newfstatat", 2, `"struct":{"st_mode":{"flags":["S_IFREG","0644"]}`},
	} {
		found := false
		for _, l := range strings.Split(js, "\n") {
			if !strings.Contains(l, `"kind":"syscall"`) || !strings.Contains(l, `"name":"`+tc.name+`"`) {
				continue
			}
			var o struct {
				Args []json.RawMessage `json:"args"`
			}
			if json.Unmarshal([]byte(l), &o) == nil && len(o.Args) > tc.arg && strings.Contains(string(o.Args[tc.arg]), tc.want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no %s call whose argument %d holds %s", tc.name, tc.arg, tc.want)
		}
	}
}
