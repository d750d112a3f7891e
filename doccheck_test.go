package seize_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Every exported name of every package in the module has a doc comment:
// functions, methods of exported types, types, constants, variables, and
// the fields and methods of exported structs and interfaces. A constant
// or variable may be covered by the comment of its group or a comment at
// the end of its line; a field by a comment at the end of its line, by
// the comment of the field on the line above, or by a mention of its name
// in its type's comment. Generated files are skipped.
func TestExportedNamesDocumented(t *testing.T) {
	var missing []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if ast.IsGenerated(f) {
			return nil
		}
		missing = append(missing, undocumented(fset, f)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		shown := missing
		if len(shown) > 40 {
			shown = shown[:40]
		}
		t.Errorf("%d exported names without a doc comment:\n%s", len(missing), strings.Join(shown, "\n"))
	}
}

func undocumented(fset *token.FileSet, f *ast.File) []string {
	var out []string
	miss := func(pos token.Pos, what string) {
		p := fset.Position(pos)
		out = append(out, p.Filename+":"+strconv.Itoa(p.Line)+": "+what)
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			name := d.Name.Name
			if d.Recv != nil {
				recv := receiverType(d.Recv.List[0].Type)
				if !ast.IsExported(recv) {
					continue
				}
				name = recv + "." + name
			}
			if d.Doc == nil {
				miss(d.Pos(), "func "+name)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					if s.Doc == nil && (d.Doc == nil || d.Lparen.IsValid()) {
						miss(s.Pos(), "type "+s.Name.Name)
					}
					doc := s.Doc
					if doc == nil && !d.Lparen.IsValid() {
						doc = d.Doc
					}
					out = append(out, undocumentedMembers(fset, s, doc)...)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && s.Doc == nil && s.Comment == nil && d.Doc == nil {
							miss(n.Pos(), d.Tok.String()+" "+n.Name)
						}
					}
				}
			}
		}
	}
	return out
}

// undocumentedMembers lists the exported fields of an exported struct and
// the methods of an exported interface that have no comment.
func undocumentedMembers(fset *token.FileSet, s *ast.TypeSpec, doc *ast.CommentGroup) []string {
	mentioned := make(map[string]bool)
	if doc != nil {
		for _, w := range strings.FieldsFunc(doc.Text(), func(r rune) bool {
			return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
		}) {
			mentioned[w] = true
		}
	}
	var fields *ast.FieldList
	kind := "field"
	switch ty := s.Type.(type) {
	case *ast.StructType:
		fields = ty.Fields
	case *ast.InterfaceType:
		fields, kind = ty.Methods, "method"
	default:
		return nil
	}
	var out []string
	var prevDoc bool // a field on the line below a documented one, with no blank line, shares its comment
	prevLine := -2
	for _, fl := range fields.List {
		line := fset.Position(fl.Pos()).Line
		documented := fl.Doc != nil || fl.Comment != nil || (prevDoc && line == prevLine+1)
		for _, n := range fl.Names {
			if n.IsExported() && !documented && !mentioned[n.Name] {
				p := fset.Position(n.Pos())
				out = append(out, p.Filename+":"+strconv.Itoa(p.Line)+": "+kind+" "+s.Name.Name+"."+n.Name)
			}
		}
		prevDoc, prevLine = documented && fl.Comment == nil, fset.Position(fl.End()).Line
	}
	return out
}

func receiverType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverType(x.X)
	case *ast.IndexExpr:
		return receiverType(x.X)
	case *ast.IndexListExpr:
		return receiverType(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// The table of spec items and tests at the end of doc.go names only tests
// that exist, in the package it says, and has a row for every item S1…S23
// with at least one test.
func TestDocTable(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(src), "// # The specification and its tests")
	if !ok {
		t.Fatal("doc.go has no section \"The specification and its tests\"")
	}
	funcs := make(map[string]map[string]bool) // package dir → test functions
	testFuncs := func(dir string) map[string]bool {
		if m, ok := funcs[dir]; ok {
			return m
		}
		m := make(map[string]bool)
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range af.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
					m[fd.Name.Name] = true
				}
			}
		}
		funcs[dir] = m
		return m
	}
	testName := regexp.MustCompile(`^(Test|Benchmark|Fuzz|Example)\w*`)
	item := regexp.MustCompile(`^S(\d+)\s`)
	rows := make(map[int]int) // spec item → tests named in its row
	current, names := 0, 0
	for _, line := range strings.Split(table, "\n") {
		body, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			continue
		}
		if m := item.FindStringSubmatch(body); m != nil {
			current, _ = strconv.Atoi(m[1])
		} else if !strings.HasPrefix(body, " ") {
			current = 0 // a row that is not a spec item
		}
		dir := "."
		for _, tok := range strings.Fields(body) {
			if strings.HasSuffix(tok, ":") && strings.Contains(tok, "/") {
				dir = strings.TrimSuffix(tok, ":")
				if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
					t.Errorf("doc.go names package %s, which does not exist", dir)
				}
				continue
			}
			name := testName.FindString(tok)
			if name == "" {
				continue
			}
			names++
			if current != 0 {
				rows[current]++
			}
			if !testFuncs(dir)[name] {
				t.Errorf("doc.go names %s in %s, which has no such function", name, dir)
			}
		}
	}
	if names == 0 {
		t.Fatal("no test names found in doc.go's table")
	}
	for s := 1; s <= 23; s++ {
		if rows[s] == 0 {
			t.Errorf("doc.go's table has no test for S%d", s)
		}
	}
}
