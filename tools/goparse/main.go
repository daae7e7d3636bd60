// Command goparse is the Go oracle behind tests/data/go/cron_parse.json: what
// robfig/cron v3's standard parser (cron.ParseStandard: minute hour dom month
// dow, descriptors allowed) does with each spec, and the facts of Go's
// unicode tables that the cron grammar depends on.
//
//	goparse info     -> {"go_version": ..., "space": [...], "lower_ascii": [...]}
//	goparse parse    -> one {"ok", "error", "kind", "bits"} per {"spec"} line on stdin
//	goparse duration -> one {"ok", "error", "nanoseconds"} per {"spec"} line: time.ParseDuration
//
// generate.py makes every input; this program only answers.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"

	cron "github.com/robfig/cron/v3"
)

type input struct {
	Spec string `json:"spec"`
}

type output struct {
	OK    bool     `json:"ok"`
	Error string   `json:"error"`
	Kind  string   `json:"kind"`
	Bits  []string `json:"bits"`
}

func parse(spec string) (out output) {
	// A TZ= prefix without a space makes robfig slice out of range; record it.
	defer func() {
		if r := recover(); r != nil {
			out = output{OK: false, Error: fmt.Sprintf("panic: %v", r), Kind: "panic"}
		}
	}()
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return output{OK: false, Error: err.Error(), Kind: "error"}
	}
	switch v := s.(type) {
	case *cron.SpecSchedule:
		bits := []uint64{v.Minute, v.Hour, v.Dom, v.Month, v.Dow}
		text := make([]string, len(bits))
		for i, b := range bits {
			text[i] = strconv.FormatUint(b, 10) // uint64 does not fit a JSON double
		}
		return output{OK: true, Kind: "spec", Bits: text}
	case cron.ConstantDelaySchedule:
		return output{OK: true, Kind: "every"}
	default:
		return output{OK: true, Kind: fmt.Sprintf("%T", s)}
	}
}

type durationOutput struct {
	OK          bool   `json:"ok"`
	Error       string `json:"error"`
	Nanoseconds int64  `json:"nanoseconds"`
}

func duration(text string) durationOutput {
	d, err := time.ParseDuration(text)
	if err != nil {
		return durationOutput{OK: false, Error: err.Error()}
	}
	return durationOutput{OK: true, Nanoseconds: int64(d)}
}

func info() {
	var space []int
	var lower [][2]interface{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			space = append(space, int(r))
		}
		if r >= 0x80 {
			if l := strings.ToLower(string(r)); len(l) == 1 && l[0] < 0x80 {
				lower = append(lower, [2]interface{}{int(r), l})
			}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]interface{}{
		"go_version": runtime.Version(), "space": space, "lower_ascii": lower,
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: goparse info|parse|duration")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "info":
		info()
		return
	case "parse", "duration":
	default:
		fmt.Fprintln(os.Stderr, "usage: goparse info|parse|duration")
		os.Exit(2)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var v input
		if err := json.Unmarshal(in.Bytes(), &v); err != nil {
			fmt.Fprintf(os.Stderr, "bad input line: %v\n", err)
			os.Exit(1)
		}
		var answer interface{}
		if os.Args[1] == "duration" {
			answer = duration(v.Spec)
		} else {
			answer = parse(v.Spec)
		}
		if err := enc.Encode(answer); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
