// Command govectors is the Go oracle behind tests/data/go/*.json.
//
// It does not decide what to test: tools/govectors/generate.py produces the
// inputs, feeds them to this program as JSON lines on stdin, and writes the
// final files. Each subcommand reads one JSON object per line and writes one
// JSON object per line, in the same order.
//
//	govectors info                       -> {"go_version": ...}
//	govectors tables -src FILE           -> test tables from Go's src/time/time_test.go
//	govectors durations                  -> time.ParseDuration
//	govectors durstrings                 -> time.Duration(n).String()
//	govectors locations                  -> time.LoadLocation
//	govectors cron                       -> robfig/cron v3 ParseStandard + Next
//	govectors transitions                -> a zone's changes as Go sees them (ZoneBounds)
//
// Byte strings that may be invalid UTF-8 travel as lowercase hex ("hex" fields).
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	cron "github.com/robfig/cron/v3"
)

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "govectors: "+format+"\n", args...)
	os.Exit(1)
}

// eachLine decodes every stdin line into a fresh value made by mk and passes
// it to fn; whatever fn returns is written as one JSON line.
func eachLine(mk func() interface{}, fn func(v interface{}) interface{}) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		v := mk()
		if err := json.Unmarshal(line, v); err != nil {
			die("bad input line %q: %v", line, err)
		}
		if err := enc.Encode(fn(v)); err != nil {
			die("encode: %v", err)
		}
	}
	if err := in.Err(); err != nil {
		die("read: %v", err)
	}
}

// validUTF8 guards against encoding/json silently turning invalid UTF-8 into
// U+FFFD: the generator only feeds names/inputs whose Go output is valid.
func validUTF8(s string) string {
	if !utf8.ValidString(s) {
		die("output %q is not valid UTF-8; it would be altered by encoding/json", s)
	}
	return s
}

func mustHex(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		die("bad hex %q: %v", s, err)
	}
	return string(b)
}

// ---------------------------------------------------------------- tables

// Go's time_test.go tables hold constant expressions such as
// `4*Minute + 5001*Millisecond` or `-1 << 63 * Nanosecond`. evalConst
// evaluates the small subset that appears there, exactly (big integers).
var unitConsts = map[string]int64{
	"Nanosecond":  int64(time.Nanosecond),
	"Microsecond": int64(time.Microsecond),
	"Millisecond": int64(time.Millisecond),
	"Second":      int64(time.Second),
	"Minute":      int64(time.Minute),
	"Hour":        int64(time.Hour),
}

func evalConst(e ast.Expr) (*big.Int, error) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.INT {
			return nil, fmt.Errorf("non-integer literal %s", x.Value)
		}
		v, ok := new(big.Int).SetString(x.Value, 0)
		if !ok {
			return nil, fmt.Errorf("bad int literal %s", x.Value)
		}
		return v, nil
	case *ast.Ident:
		if v, ok := unitConsts[x.Name]; ok {
			return big.NewInt(v), nil
		}
		return nil, fmt.Errorf("unknown identifier %s", x.Name)
	case *ast.ParenExpr:
		return evalConst(x.X)
	case *ast.UnaryExpr:
		v, err := evalConst(x.X)
		if err != nil {
			return nil, err
		}
		switch x.Op {
		case token.SUB:
			return v.Neg(v), nil
		case token.ADD:
			return v, nil
		}
		return nil, fmt.Errorf("unsupported unary %s", x.Op)
	case *ast.CallExpr: // Duration(...) conversions
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "Duration" && len(x.Args) == 1 {
			return evalConst(x.Args[0])
		}
		return nil, fmt.Errorf("unsupported call")
	case *ast.BinaryExpr:
		a, err := evalConst(x.X)
		if err != nil {
			return nil, err
		}
		b, err := evalConst(x.Y)
		if err != nil {
			return nil, err
		}
		r := new(big.Int)
		switch x.Op {
		case token.ADD:
			return r.Add(a, b), nil
		case token.SUB:
			return r.Sub(a, b), nil
		case token.MUL:
			return r.Mul(a, b), nil
		case token.SHL:
			return r.Lsh(a, uint(b.Uint64())), nil
		}
		return nil, fmt.Errorf("unsupported operator %s", x.Op)
	}
	return nil, fmt.Errorf("unsupported expression %T", e)
}

type tableRow struct {
	Table string `json:"table"`
	Line  int    `json:"line"`
	Hex   string `json:"hex"`              // first column (a string), as hex bytes
	Want  *int64 `json:"want,omitempty"`   // second column when it is a Duration expression
	Str   string `json:"expect,omitempty"` // second column when it is a string
}

func cmdTables(args []string) {
	fs := flag.NewFlagSet("tables", flag.ExitOnError)
	src := fs.String("src", "", "path of Go's src/time/time_test.go")
	fs.Parse(args)
	if *src == "" {
		die("tables: -src is required")
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, *src, nil, 0)
	if err != nil {
		die("parse %s: %v", *src, err)
	}
	wanted := map[string]bool{"parseDurationTests": true, "parseDurationErrorTests": true, "durationTests": true}
	found := map[string]int{}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !wanted[name.Name] || i >= len(vs.Values) {
					continue
				}
				cl, ok := vs.Values[i].(*ast.CompositeLit)
				if !ok {
					die("%s is not a composite literal", name.Name)
				}
				for _, elt := range cl.Elts {
					row, ok := elt.(*ast.CompositeLit)
					if !ok || len(row.Elts) != 2 {
						die("%s: unexpected row shape at %v", name.Name, fset.Position(elt.Pos()))
					}
					first, ok := row.Elts[0].(*ast.BasicLit)
					if !ok || first.Kind != token.STRING {
						die("%s: first column is not a string literal at %v", name.Name, fset.Position(elt.Pos()))
					}
					s, err := strconv.Unquote(first.Value)
					if err != nil {
						die("%s: unquote %s: %v", name.Name, first.Value, err)
					}
					tr := tableRow{Table: name.Name, Line: fset.Position(elt.Pos()).Line, Hex: hex.EncodeToString([]byte(s))}
					if lit, ok := row.Elts[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						tr.Str, err = strconv.Unquote(lit.Value)
						if err != nil {
							die("%s: unquote %s: %v", name.Name, lit.Value, err)
						}
					} else {
						v, err := evalConst(row.Elts[1])
						if err != nil {
							die("%s at %v: %v", name.Name, fset.Position(elt.Pos()), err)
						}
						if !v.IsInt64() {
							die("%s at %v: value %s is not an int64", name.Name, fset.Position(elt.Pos()), v)
						}
						n := v.Int64()
						tr.Want = &n
					}
					found[name.Name]++
					if err := enc.Encode(tr); err != nil {
						die("encode: %v", err)
					}
				}
			}
		}
	}
	for n := range wanted {
		if found[n] == 0 {
			die("table %s not found in %s", n, *src)
		}
	}
}

// ---------------------------------------------------------------- durations

type hexIn struct {
	Hex string `json:"hex"`
}

type durOut struct {
	OK     bool   `json:"ok"`
	NS     *int64 `json:"nanoseconds,omitempty"`
	String string `json:"string,omitempty"`
	Error  string `json:"error,omitempty"`
}

func cmdDurations() {
	eachLine(func() interface{} { return new(hexIn) }, func(v interface{}) interface{} {
		d, err := time.ParseDuration(mustHex(v.(*hexIn).Hex))
		if err != nil {
			return durOut{OK: false, Error: validUTF8(err.Error())}
		}
		n := int64(d)
		return durOut{OK: true, NS: &n, String: d.String()}
	})
}

type nsIn struct {
	NS int64 `json:"ns"`
}

func cmdDurStrings() {
	eachLine(func() interface{} { return new(nsIn) }, func(v interface{}) interface{} {
		return map[string]string{"string": time.Duration(v.(*nsIn).NS).String()}
	})
}

// ---------------------------------------------------------------- locations

type locOut struct {
	OK     bool   `json:"ok"`
	String string `json:"string,omitempty"`
	Error  string `json:"error,omitempty"`
	// What the ZONEINFO directory alone says about this name, with no
	// fallback: "file" (a regular file that LoadLocationFromTZData accepts),
	// "malformed" (a regular file it rejects), "dir", "absent" or "skipped"
	// (not looked up: LoadLocation answers without touching any directory).
	ZoneinfoDir string `json:"zoneinfo_dir"`
}

func cmdLocations() {
	zdir := os.Getenv("ZONEINFO")
	eachLine(func() interface{} { return new(hexIn) }, func(v interface{}) interface{} {
		name := mustHex(v.(*hexIn).Hex)
		var o locOut
		loc, err := time.LoadLocation(name)
		if err != nil {
			o.Error = validUTF8(err.Error())
		} else {
			o.OK = true
			o.String = validUTF8(loc.String())
		}
		o.ZoneinfoDir = inZoneinfoDir(zdir, name)
		return o
	})
}

func inZoneinfoDir(zdir, name string) string {
	if name == "" || name == "UTC" || name == "Local" || zdir == "" {
		return "skipped"
	}
	for i := 0; i+1 < len(name); i++ {
		if name[i] == '.' && name[i+1] == '.' {
			return "skipped"
		}
	}
	if name[0] == '/' || name[0] == '\\' {
		return "skipped"
	}
	p := zdir + "/" + name
	st, err := os.Stat(p)
	if err != nil {
		return "absent"
	}
	if st.IsDir() {
		return "dir"
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "absent"
	}
	if _, err := time.LoadLocationFromTZData(filepath.ToSlash(name), data); err != nil {
		return "malformed"
	}
	return "file"
}

// ---------------------------------------------------------------- cron

type cronIn struct {
	Spec  string `json:"spec"`
	Zone  string `json:"zone"`
	Start int64  `json:"start"`
	N     int    `json:"n"`
}

type cronOut struct {
	StartLocal string          `json:"start_local"`
	ParseError string          `json:"parse_error,omitempty"`
	Runs       [][]interface{} `json:"runs"`
	Exhausted  bool            `json:"exhausted"`
	Hung       bool            `json:"hung"`
}

const rfc3339 = "2006-01-02T15:04:05Z07:00"

// nextTimeout bounds one Schedule.Next call. robfig/cron v3.0.1 can loop
// forever on some zone transitions; such a case is recorded with hung=true
// and the process exits with status 3 (the spinning goroutine cannot be
// stopped), after which generate.py restarts it on the remaining cases.
const nextTimeout = 5 * time.Second

func cmdCron() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var c cronIn
		if err := json.Unmarshal(line, &c); err != nil {
			die("bad input line %q: %v", line, err)
		}
		o := cronCase(c)
		if err := enc.Encode(o); err != nil {
			die("encode: %v", err)
		}
		if err := out.Flush(); err != nil {
			die("write: %v", err)
		}
		if o.Hung {
			os.Exit(3)
		}
	}
	if err := in.Err(); err != nil {
		die("read: %v", err)
	}
}

func cronCase(c cronIn) cronOut {
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		die("zone %q: %v", c.Zone, err)
	}
	o := cronOut{Runs: [][]interface{}{}}
	o.StartLocal = time.Unix(c.Start, 0).In(loc).Format(rfc3339)
	sched, err := cron.ParseStandard("CRON_TZ=" + c.Zone + " " + c.Spec)
	if err != nil {
		o.ParseError = validUTF8(err.Error())
		return o
	}
	prev := time.Unix(c.Start, 0)
	for i := 0; i < c.N; i++ {
		ch := make(chan time.Time, 1)
		go func(p time.Time) { ch <- sched.Next(p) }(prev)
		var next time.Time
		select {
		case next = <-ch:
		case <-time.After(nextTimeout):
			o.Hung = true
			return o
		}
		if next.IsZero() {
			o.Exhausted = true
			break
		}
		l := next.In(loc)
		abbr, _ := l.Zone()
		o.Runs = append(o.Runs, []interface{}{next.Unix(), l.Format(rfc3339), abbr})
		prev = next
	}
	return o
}

// ---------------------------------------------------------------- transitions

type transIn struct {
	Zone string `json:"zone"`
	From int64  `json:"from"`
	To   int64  `json:"to"`
	// Also report these instants, changed or not (the TZif file's own list).
	Extra []int64 `json:"extra"`
}

type transOut struct {
	Zone string `json:"zone"`
	// Each: [unix, offset before, offset after, abbreviation before, abbreviation after,
	// isDST before, isDST after].
	Transitions [][]interface{} `json:"transitions"`
}

// cmdTransitions lists every instant in [from, to) where the zone Go loads
// changes its offset, abbreviation or DST flag, and the extra instants asked for. Time.ZoneBounds walks Go's own
// zone periods; a bound where none of the three changes (tzset reports year
// starts as bounds past the last explicit transition) is not a transition.
// Past the last explicit transition of a leap year, tzset's period can end
// where it starts (it adds 365 days to 1 January); the walk then steps one
// hour and bisects any change inside that hour.
func cmdTransitions() {
	eachLine(func() interface{} { return new(transIn) }, func(v interface{}) interface{} {
		c := v.(*transIn)
		loc, err := time.LoadLocation(c.Zone)
		if err != nil {
			die("zone %q: %v", c.Zone, err)
		}
		o := transOut{Zone: c.Zone, Transitions: [][]interface{}{}}
		t := time.Unix(c.From, 0).In(loc)
		for {
			_, end := t.ZoneBounds()
			if end.IsZero() {
				break
			}
			if !end.After(t) {
				end = t.Add(time.Hour)
				if sameZone(t, end) {
					t = end
					continue
				}
				lo, hi := t.Unix(), end.Unix() // zone(lo) == zone(t) != zone(hi)
				for hi-lo > 1 {
					mid := (lo + hi) / 2
					if sameZone(t, time.Unix(mid, 0).In(loc)) {
						lo = mid
					} else {
						hi = mid
					}
				}
				end = time.Unix(hi, 0)
			}
			if end.Unix() >= c.To {
				break
			}
			before := end.Add(-time.Second).In(loc)
			after := end.In(loc)
			if !sameZone(before, after) {
				nb, ob := before.Zone()
				na, oa := after.Zone()
				o.Transitions = append(o.Transitions, []interface{}{
					end.Unix(), ob, oa, validUTF8(nb), validUTF8(na), before.IsDST(), after.IsDST()})
			}
			t = after
		}
		seen := map[int64]bool{}
		for _, tr := range o.Transitions {
			seen[tr[0].(int64)] = true
		}
		for _, at := range c.Extra {
			if at < c.From || at >= c.To || seen[at] {
				continue
			}
			seen[at] = true
			before := time.Unix(at-1, 0).In(loc)
			after := time.Unix(at, 0).In(loc)
			nb, ob := before.Zone()
			na, oa := after.Zone()
			o.Transitions = append(o.Transitions, []interface{}{
				at, ob, oa, validUTF8(nb), validUTF8(na), before.IsDST(), after.IsDST()})
		}
		sort.Slice(o.Transitions, func(i, j int) bool {
			return o.Transitions[i][0].(int64) < o.Transitions[j][0].(int64)
		})
		return o
	})
}

func sameZone(a, b time.Time) bool {
	na, oa := a.Zone()
	nb, ob := b.Zone()
	return na == nb && oa == ob && a.IsDST() == b.IsDST()
}

func main() {
	if len(os.Args) < 2 {
		die("usage: govectors info|tables|durations|durstrings|locations|cron|transitions")
	}
	switch os.Args[1] {
	case "info":
		json.NewEncoder(os.Stdout).Encode(map[string]string{
			"go_version": runtime.Version(),
			"goos":       runtime.GOOS,
			"goarch":     runtime.GOARCH,
		})
	case "tables":
		cmdTables(os.Args[2:])
	case "durations":
		cmdDurations()
	case "durstrings":
		cmdDurStrings()
	case "locations":
		cmdLocations()
	case "cron":
		cmdCron()
	case "transitions":
		cmdTransitions()
	default:
		die("unknown subcommand %q", os.Args[1])
	}
}
