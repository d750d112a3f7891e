package format

import (
	"strconv"
	"unicode/utf8"
)

// Structured arguments for JSON. Package decode prints strace's text; this
// file reads that text back into values, so that a JSON consumer gets
// numbers, flag lists, strings and structures without parsing strace's
// syntax. The reading never fails: what it does not recognise becomes
// {"other": TEXT}. docs/json-schema.md describes the value objects.
//
// The grammar is the one decode writes:
//
//	value   := [name "="] core [" => " core] [" /* " comment " */"]
//	core    := "NULL" | string | struct | array | set | fd | flags | int | call
//	string  := '"' escaped '"' ["..."]
//	struct  := "{" value {", " value} [", ..."] "}"
//	array   := "[" [value {", " value}] "]"
//	set     := ["~"] "[" word {" " word} "]"        signal masks
//	fd      := int "<" path ">" | "AT_FDCWD<" path ">"  (-y)
//	flags   := word {"|" word}                      with a name among the words
//	call    := ident "(" value {", " value} ")"     htons(80), makedev(0x8, 0x1)

// appendArgsJSON appends text's top-level arguments as a JSON array of
// value objects, each with its "text" and, for named arguments (clone's
// "flags=..."), its "name".
func appendArgsJSON(dst []byte, text []byte) []byte {
	dst = append(dst, '[')
	i := 0
	for n := 0; i < len(text); n++ {
		end := scanElem(text, i)
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = appendValueFields(dst, text[i:end], true)
		dst = append(dst, ",\"text\":"...)
		dst = appendJSONBytes(dst, text[i:end])
		dst = append(dst, '}')
		i = end
		// Skip the ", " separator; a stray closing bracket (unbalanced
		// text) is swallowed so that the loop always advances.
		for i < len(text) && (text[i] == ',' || text[i] == ' ' || text[i] == ')' || text[i] == ']' || text[i] == '}') {
			i++
		}
	}
	return append(dst, ']')
}

// scanElem returns the end of the element that starts at i: the next ','
// or closing bracket at depth 0, or len(s).
func scanElem(s []byte, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '"':
			j = skipString(s, j)
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			if depth == 0 {
				return j
			}
			depth--
		case ',':
			if depth == 0 {
				return j
			}
		}
	}
	return len(s)
}

// skipString returns the index of the closing quote of the string that
// opens at i (or len(s)-1).
func skipString(s []byte, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(s) - 1
}

// indexTop finds sep in s outside strings and brackets, or -1.
func indexTop(s []byte, sep string) int {
	depth := 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '"':
			j = skipString(s, j)
			continue
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
		}
		if depth == 0 && len(s)-j >= len(sep) && string(s[j:j+len(sep)]) == sep {
			return j
		}
	}
	return -1
}

// appendValueFields appends the fields of one value object, without the
// braces. top allows a "name" (clone's named arguments).
func appendValueFields(dst []byte, s []byte, top bool) []byte {
	// A trailing comment: execve's "0x7ffd... /* 35 vars */".
	var comment []byte
	if n := len(s); n >= 5 && string(s[n-3:]) == " */" {
		if k := indexTop(s, " /* "); k >= 0 {
			comment = s[k+4 : n-3]
			s = s[:k]
		}
	}
	if k := nameEnd(s); k > 0 {
		dst = append(dst, "\"name\":"...)
		dst = appendJSONBytes(dst, s[:k])
		dst = append(dst, ',')
		s = s[k+1:]
	}
	if k := indexTop(s, " => "); k >= 0 {
		// A value the call changed: socklen "[16 => 28]", clone3's struct.
		dst = append(dst, "\"in\":{"...)
		dst = appendCore(dst, s[:k])
		dst = append(dst, "},\"out\":{"...)
		dst = appendCore(dst, s[k+4:])
		dst = append(dst, '}')
	} else {
		dst = appendCore(dst, s)
	}
	if comment != nil {
		dst = append(dst, ",\"comment\":"...)
		dst = appendJSONBytes(dst, comment)
	}
	return dst
}

// nameEnd returns the index of the '=' that ends a leading field name
// ("st_mode=", "flags="), or -1.
func nameEnd(s []byte) int {
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && c >= '0' && c <= '9':
		case c == '=' && j > 0 && (j+1 == len(s) || s[j+1] != '>'):
			return j
		default:
			return -1
		}
	}
	return -1
}

// appendCore appends the fields of a core value (see the grammar).
func appendCore(dst []byte, s []byte) []byte {
	switch {
	case len(s) == 0:
		return appendOther(dst, s)
	case string(s) == "NULL":
		return append(dst, "\"null\":true"...)
	case s[0] == '"':
		return appendStringValue(dst, s)
	case s[0] == '{' && s[len(s)-1] == '}':
		return appendStruct(dst, s)
	case s[0] == '[' && s[len(s)-1] == ']' || s[0] == '~' && len(s) > 1 && s[1] == '[' && s[len(s)-1] == ']':
		return appendArray(dst, s)
	case s[len(s)-1] == '>':
		return appendFdPath(dst, s)
	case s[len(s)-1] == ')':
		return appendCall(dst, s)
	}
	mark := len(dst)
	if d, ok := appendInt(append(dst, "\"int\":"...), s); ok {
		return d
	}
	dst = dst[:mark]
	if isFlags(s) {
		dst = append(dst, "\"flags\":["...)
		start := 0
		for j := 0; j <= len(s); j++ {
			if j == len(s) || s[j] == '|' {
				if start > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONBytes(dst, s[start:j])
				start = j + 1
			}
		}
		return append(dst, ']')
	}
	return appendOther(dst, s)
}

func appendOther(dst []byte, s []byte) []byte {
	dst = append(dst, "\"other\":"...)
	return appendJSONBytes(dst, s)
}

// appendInt appends the C integer literal s as strace prints it (-12,
// 0x1f, 0644) in decimal, exactly; ok is false if s is not one.
func appendInt(dst []byte, s []byte) (_ []byte, ok bool) {
	neg := false
	t := s
	if len(t) > 1 && t[0] == '-' {
		neg, t = true, t[1:]
	}
	if len(t) == 0 || t[0] < '0' || t[0] > '9' {
		return dst, false
	}
	base := uint64(10)
	switch {
	case len(t) > 2 && t[0] == '0' && t[1] == 'x':
		base, t = 16, t[2:]
	case len(t) > 1 && t[0] == '0':
		base, t = 8, t[1:]
	}
	var v uint64
	for _, c := range t {
		d := uint64(hexVal(c))
		if hexVal(c) < 0 || d >= base || v > (^uint64(0)-d)/base {
			return dst, false
		}
		v = v*base + d
	}
	if neg {
		if v > 1<<63 {
			return dst, false
		}
		return strconv.AppendInt(dst, -int64(v), 10), true
	}
	return strconv.AppendUint(dst, v, 10), true
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isFlags reports whether s is words joined by '|' with at least one
// symbolic name: "O_RDONLY|O_CLOEXEC", "S_IFREG|0644", "AT_FDCWD".
func isFlags(s []byte) bool {
	named := false
	start := 0
	for j := 0; j <= len(s); j++ {
		if j < len(s) && s[j] != '|' {
			if !isWordByte(s[j]) {
				return false
			}
			continue
		}
		w := s[start:j]
		if len(w) == 0 {
			return false
		}
		if w[0] < '0' || w[0] > '9' {
			named = true
		}
		start = j + 1
	}
	return named
}

// appendStringValue appends "str" (the bytes, decoded from strace's
// escapes), "truncated", and "hex" when the bytes are not UTF-8.
func appendStringValue(dst []byte, s []byte) []byte {
	end := skipString(s, 0)
	if end < 1 || s[end] != '"' {
		return appendOther(dst, s) // unterminated
	}
	body := s[1:end]
	rest := s[end+1:]
	truncated := string(rest) == "..."
	if len(rest) != 0 && !truncated {
		return appendOther(dst, s)
	}
	// The bytes are unescaped at the end of dst, then their JSON form
	// is appended and moved down over them: no allocation once dst has
	// grown.
	tmp := len(dst)
	dst = unescape(dst, body)
	raw := dst[tmp:]
	out := len(dst)
	dst = append(dst, "\"str\":"...)
	dst = appendJSONBytes(dst, raw)
	dst = append(dst, ",\"truncated\":"...)
	dst = strconv.AppendBool(dst, truncated)
	if !utf8.Valid(raw) {
		dst = append(dst, ",\"hex\":\""...)
		for _, c := range raw {
			dst = append(dst, hexDigit[c>>4], hexDigit[c&15])
		}
		dst = append(dst, '"')
	}
	n := copy(dst[tmp:], dst[out:])
	return dst[:tmp+n]
}

const hexDigit = "0123456789abcdef"

// unescape appends s with decode's escaping undone: \" \\ \t \n \v \f \r,
// octal \NNN and \xHH.
func unescape(out []byte, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch c = s[i]; c {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'v':
			out = append(out, '\v')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'x':
			v := 0
			n := 0
			for ; n < 2 && i+1 < len(s) && hexVal(s[i+1]) >= 0; n++ {
				i++
				v = v<<4 | hexVal(s[i])
			}
			out = append(out, byte(v))
		default:
			if c >= '0' && c <= '7' {
				v := int(c - '0')
				for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
					i++
					v = v<<3 | int(s[i]-'0')
				}
				out = append(out, byte(v))
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// appendStruct appends "struct": {field: value, ...} and "abbrev" when
// strace left fields out ("..."). A struct with unnamed members is an
// "other".
func appendStruct(dst []byte, s []byte) []byte {
	mark := len(dst)
	dst = append(dst, "\"struct\":{"...)
	body := s[1 : len(s)-1]
	abbrev := false
	n := 0
	for i := 0; i < len(body); {
		end := scanElem(body, i)
		if end == i && end < len(body) && body[end] != ',' {
			return appendOther(dst[:mark], s) // unbalanced
		}
		e := body[i:end]
		switch k := nameEnd(e); {
		case string(e) == "...":
			abbrev = true
		case k > 0:
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = appendJSONBytes(dst, e[:k])
			dst = append(dst, ":{"...)
			dst = appendValueFields(dst, e[k+1:], false)
			dst = append(dst, '}')
		default:
			// strace writes some members as the call that fills them:
			// inet_pton(AF_INET6, "::1", &sin6_addr).
			field := addrOfLastArg(e)
			if field == nil {
				return appendOther(dst[:mark], s)
			}
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = appendJSONBytes(dst, field)
			dst = append(dst, ":{"...)
			dst = appendValueFields(dst, e, false)
			dst = append(dst, '}')
		}
		i = skipSep(body, end)
	}
	dst = append(dst, '}')
	if abbrev {
		dst = append(dst, ",\"abbrev\":true"...)
	}
	return dst
}

// addrOfLastArg returns FIELD for a call "f(..., &FIELD)", else nil.
func addrOfLastArg(e []byte) []byte {
	if len(e) < 4 || e[len(e)-1] != ')' {
		return nil
	}
	k := len(e) - 2
	for k >= 0 && isWordByte(e[k]) {
		k--
	}
	if k < 1 || e[k] != '&' || k == len(e)-2 || e[k-1] != ' ' {
		return nil
	}
	return e[k+1 : len(e)-1]
}

// skipSep skips the ", " after an element.
func skipSep(s []byte, i int) int {
	if i < len(s) && s[i] == ',' {
		i++
	}
	if i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		return i
	}
	if s[i] == '}' || s[i] == ']' || s[i] == ')' {
		return len(s) // stray closer: stop
	}
	return i
}

// appendArray appends "array": [value, ...] (with "abbrev" when strace
// cut it), or "set": [names] for a signal mask "[INT TERM]", with
// "complement" for "~[...]".
func appendArray(dst []byte, s []byte) []byte {
	complement := s[0] == '~'
	if complement {
		s = s[1:]
	}
	body := s[1 : len(s)-1]
	if complement || isSet(body) {
		dst = append(dst, "\"set\":["...)
		start := 0
		for j := 0; j <= len(body); j++ {
			if len(body) > 0 && (j == len(body) || body[j] == ' ') {
				if start > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONBytes(dst, body[start:j])
				start = j + 1
			}
		}
		dst = append(dst, ']')
		if complement {
			dst = append(dst, ",\"complement\":true"...)
		}
		return dst
	}
	mark := len(dst)
	dst = append(dst, "\"array\":["...)
	abbrev := false
	n := 0
	for i := 0; i < len(body); {
		end := scanElem(body, i)
		if end == i && end < len(body) && body[end] != ',' {
			return appendOther(dst[:mark], s)
		}
		e := body[i:end]
		if string(e) == "..." {
			abbrev = true
		} else {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = append(dst, '{')
			dst = appendValueFields(dst, e, false)
			dst = append(dst, '}')
		}
		i = skipSep(body, end)
	}
	dst = append(dst, ']')
	if abbrev {
		dst = append(dst, ",\"abbrev\":true"...)
	}
	return dst
}

// isSet reports whether body is space-separated words (a signal mask
// with two or more signals).
func isSet(body []byte) bool {
	spaces := 0
	for i, c := range body {
		switch {
		case c == ' ':
			if i == 0 || i == len(body)-1 || body[i-1] == ' ' {
				return false
			}
			spaces++
		case !isWordByte(c):
			return false
		}
	}
	return spaces > 0
}

// appendFdPath appends a -y descriptor "3</etc/passwd>" as "fd" and
// "path", or "AT_FDCWD</tmp>" as "flags" and "path".
func appendFdPath(dst []byte, s []byte) []byte {
	k := -1
	for j, c := range s {
		if c == '<' {
			k = j
			break
		}
	}
	if k <= 0 {
		return appendOther(dst, s)
	}
	head, path := s[:k], unescape(nil, s[k+1:len(s)-1])
	mark := len(dst)
	if d, ok := appendInt(append(dst, "\"fd\":"...), head); ok {
		dst = d
	} else if dst = dst[:mark]; isFlags(head) {
		dst = append(dst, "\"flags\":["...)
		dst = appendJSONBytes(dst, head)
		dst = append(dst, ']')
	} else {
		return appendOther(dst, s)
	}
	dst = append(dst, ",\"path\":"...)
	return appendJSONBytes(dst, path)
}

// appendCall appends "call" and "args" for strace's function-like
// values: htons(80), inet_addr("127.0.0.1"), makedev(0x8, 0x1).
func appendCall(dst []byte, s []byte) []byte {
	k := 0
	for k < len(s) && isWordByte(s[k]) {
		k++
	}
	if k == 0 || k >= len(s) || s[k] != '(' || s[0] >= '0' && s[0] <= '9' {
		return appendOther(dst, s)
	}
	if !balancedCall(s[k+1 : len(s)-1]) {
		return appendOther(dst, s)
	}
	dst = append(dst, "\"call\":"...)
	dst = appendJSONBytes(dst, s[:k])
	dst = append(dst, ",\"args\":["...)
	body := s[k+1 : len(s)-1]
	n := 0
	for i := 0; i < len(body); {
		end := scanElem(body, i)
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = append(dst, '{')
		dst = appendValueFields(dst, body[i:end], false)
		dst = append(dst, '}')
		i = skipSep(body, end)
		if end == i && i < len(body) {
			break
		}
	}
	return append(dst, ']')
}

// balancedCall reports whether the arguments of a call hold no stray
// closing bracket.
func balancedCall(body []byte) bool {
	depth := 0
	for j := 0; j < len(body); j++ {
		switch body[j] {
		case '"':
			j = skipString(body, j)
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// appendJSONString appends s as a JSON string of printable ASCII: control
// bytes and everything above 0x7e are \u escapes, so that nothing in the
// output can act on a terminal.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = appendRuneEscape(dst, r)
		i += n
	}
	return append(dst, '"')
}

// appendJSONBytes is appendJSONString for bytes; invalid UTF-8 becomes
// U+FFFD.
func appendJSONBytes(dst []byte, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			if c == '"' || c == '\\' {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		dst = appendRuneEscape(dst, r)
		i += n
	}
	return append(dst, '"')
}

func appendRuneEscape(dst []byte, r rune) []byte {
	switch r {
	case '\n':
		return append(dst, '\\', 'n')
	case '\t':
		return append(dst, '\\', 't')
	case '\r':
		return append(dst, '\\', 'r')
	}
	if r > 0xffff {
		r -= 0x10000
		dst = appendU(dst, 0xd800+(r>>10))
		return appendU(dst, 0xdc00+(r&0x3ff))
	}
	return appendU(dst, r)
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigit[r>>12&15], hexDigit[r>>8&15], hexDigit[r>>4&15], hexDigit[r&15])
}
