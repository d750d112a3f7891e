package format

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestArgsJSON(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // the JSON array, compared as values
	}{
		{`3, "abc"..., 4096`, `[{"int":3,"text":"3"},{"str":"abc","truncated":true,"text":"\"abc\"..."},{"int":4096,"text":"4096"}]`},
		{`AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC`, `[{"flags":["AT_FDCWD"],"text":"AT_FDCWD"},{"str":"/etc/passwd","truncated":false,"text":"\"/etc/passwd\""},{"flags":["O_RDONLY","O_CLOEXEC"],"text":"O_RDONLY|O_CLOEXEC"}]`},
		{`NULL, 0x7ffd1000, -1, 0644, 0xffffffffffffffff`, `[{"null":true,"text":"NULL"},{"int":2147291136,"text":"0x7ffd1000"},{"int":-1,"text":"-1"},{"int":420,"text":"0644"},{"int":18446744073709551615,"text":"0xffffffffffffffff"}]`},
		{`3, {st_mode=S_IFREG|0644, st_size=3, ...}`, `[{"int":3,"text":"3"},{"struct":{"st_mode":{"flags":["S_IFREG","0644"]},"st_size":{"int":3}},"abbrev":true,"text":"{st_mode=S_IFREG|0644, st_size=3, ...}"}]`},
		{`"./calls", ["./calls", "exec"], 0x7ffe0000 /* 2 vars */`, `[{"str":"./calls","truncated":false,"text":"\"./calls\""},{"array":[{"str":"./calls","truncated":false},{"str":"exec","truncated":false}],"text":"[\"./calls\", \"exec\"]"},{"int":2147352576,"comment":"2 vars","text":"0x7ffe0000 /* 2 vars */"}]`},
		{`SIG_BLOCK, ~[RTMIN RT_1], [INT], 8`, `[{"flags":["SIG_BLOCK"],"text":"SIG_BLOCK"},{"set":["RTMIN","RT_1"],"complement":true,"text":"~[RTMIN RT_1]"},{"array":[{"flags":["INT"]}],"text":"[INT]"},{"int":8,"text":"8"}]`},
		{`SIG_SETMASK, [INT TERM], NULL, 8`, `[{"flags":["SIG_SETMASK"],"text":"SIG_SETMASK"},{"set":["INT","TERM"],"text":"[INT TERM]"},{"null":true,"text":"NULL"},{"int":8,"text":"8"}]`},
		{`child_stack=NULL, flags=CLONE_VM|SIGCHLD`, `[{"name":"child_stack","null":true,"text":"child_stack=NULL"},{"name":"flags","flags":["CLONE_VM","SIGCHLD"],"text":"flags=CLONE_VM|SIGCHLD"}]`},
		{`3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, [16 => 16]`, `[{"int":3,"text":"3"},{"struct":{"sa_family":{"flags":["AF_INET"]},"sin_port":{"call":"htons","args":[{"int":80}]},"sin_addr":{"call":"inet_addr","args":[{"str":"127.0.0.1","truncated":false}]}},"text":"{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}"},{"array":[{"in":{"int":16},"out":{"int":16}}],"text":"[16 => 16]"}]`},
		{`{sa_family=AF_INET6, sin6_port=htons(9), inet_pton(AF_INET6, "::1", &sin6_addr)}`, `[{"struct":{"sa_family":{"flags":["AF_INET6"]},"sin6_port":{"call":"htons","args":[{"int":9}]},"sin6_addr":{"call":"inet_pton","args":[{"flags":["AF_INET6"]},{"str":"::1","truncated":false},{"other":"&sin6_addr"}]}},"text":"{sa_family=AF_INET6, sin6_port=htons(9), inet_pton(AF_INET6, \"::1\", &sin6_addr)}"}]`},
		{`3</etc/passwd>, AT_FDCWD</tmp>`, `[{"fd":3,"path":"/etc/passwd","text":"3</etc/passwd>"},{"flags":["AT_FDCWD"],"path":"/tmp","text":"AT_FDCWD</tmp>"}]`},
		{`"\33[2J\7\377\303\251"`, `[{"str":"\u001b[2J\u0007\ufffd\u00e9","truncated":false,"hex":"1b5b324a07ffc3a9","text":"\"\\33[2J\\7\\377\\303\\251\""}]`},
		{`"\x41\x0a"`, `[{"str":"A\n","truncated":false,"text":"\"\\x41\\x0a\""}]`},
		{`<... resuming interrupted clock_nanosleep ...>`, `[{"other":"<... resuming interrupted clock_nanosleep ...>","text":"<... resuming interrupted clock_nanosleep ...>"}]`},
		{`{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`, `[{"struct":{"rlim_cur":{"other":"8192*1024"},"rlim_max":{"flags":["RLIM64_INFINITY"]}},"text":"{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}"}]`},
		{`[{fd=3, events=POLLIN}, ...], 1`, `[{"array":[{"struct":{"fd":{"int":3},"events":{"flags":["POLLIN"]}}}],"abbrev":true,"text":"[{fd=3, events=POLLIN}, ...]"},{"int":1,"text":"1"}]`},
		{`3, `, `[{"int":3,"text":"3"}]`},
		{``, `[]`},
	} {
		got := appendArgsJSON(nil, []byte(tc.text))
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Errorf("%s: invalid JSON %s: %v", tc.text, got, err)
			continue
		}
		if err := json.Unmarshal([]byte(tc.want), &w); err != nil {
			t.Fatalf("bad want %s: %v", tc.want, err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %s\nwant %s", tc.text, got, tc.want)
		}
	}
}

// checkSafeJSON fails unless b is valid JSON of printable ASCII and
// newlines.
func checkSafeJSON(t *testing.T, in string, b []byte) {
	t.Helper()
	if !json.Valid(b) {
		t.Fatalf("%q: invalid JSON %s", in, b)
	}
	for _, c := range b {
		if c != '\n' && (c < 0x20 || c > 0x7e) {
			t.Fatalf("%q: byte %#x in %q", in, c, b)
		}
	}
}

func TestArgsJSONHostile(t *testing.T) {
	for _, s := range []string{
		`{`, `}`, `[`, `]]]`, `((`, `"`, `"abc`, `"\`, `\`, `a=`, `=`, `=>`, ` => `, `{a=}`, `{a, b}`, `[a, ...`,
		`f(`, `f(a))`, `<`, `>`, `3<`, `~`, `~[`, `/* x */`, `0x`, `-`, `--1`, `0xzz`, "\x1b[2J\x07\xff",
		`{a={b={c=[1, [2, {d="e"}]]}}}`, `, , ,`, `"a" "b"`, `1 => 2 => 3`, `x /* y */ /* z */`,
	} {
		checkSafeJSON(t, s, appendArgsJSON(nil, []byte(s)))
	}
}

func FuzzArgsJSON(f *testing.F) {
	for _, s := range []string{`3, "abc"..., 4096`, `{st_mode=S_IFREG|0644, ...}`, `[INT TERM]`, `f(a, &b)`, `[16 => 28]`, `3</x>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSafeJSON(t, s, appendArgsJSON(nil, []byte(s)))
	})
}

func TestJSONStringEscapes(t *testing.T) {
	in := "a\"b\\c\x00\x1b\x7f\u009b\U0001F600\xff\n"
	b := appendJSONString(nil, in)
	checkSafeJSON(t, in, b)
	var back string
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if want := "a\"b\\c\x00\x1b\x7f\u009b\U0001F600\uFFFD\n"; back != want {
		t.Errorf("round trip %q, want %q", back, want)
	}
}
