"""A :class:`~schedulelib.preview.model.Calendar` as one self-contained HTML page.

No network asset of any kind: the style and the script are inline, the data is a JSON block in
the page.  The script draws the grid and one dot per run from that JSON, each dot with the exact
instant as its tooltip; so a browser that shows the dots has run the script (the Chromium test
counts them).  Everything about time zones is settled here in Python: the page never asks the
browser's clock or zone, and looks the same wherever it is opened.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

from schedulelib.preview.ics import exact
from schedulelib.preview.load import pileups, run_overlaps
from schedulelib.preview.model import Calendar, day_spans, heading, span_text

RUN_CLASS = "run"  # the class of the elements the script draws, one per run


def page_data(cal: Calendar) -> dict[str, Any]:
    """What the page's script draws, as plain JSON-ready data."""
    win = cal.window
    first = win.days[0]
    marks: dict[int, list[str]] = {}
    for change in cal.changes:
        marks.setdefault((change.day - first).days, []).append(change.describe())
    for note in cal.notes:
        marks.setdefault((note.day - first).days, []).append(
            f"{note.schedule}: {note.kind}: {note.describe(win.zone)}")
    runs: list[list[Any]] = []
    for index, (track, cells) in enumerate(zip(cal.tracks, cal.cells, strict=True)):
        running = run_overlaps(track)
        for k, (run, (day, hour)) in enumerate(zip(track.runs, cells, strict=True)):
            local = run.astimezone(win.zone)
            tip = f"{exact(local)} = {exact(run.astimezone(UTC))}"
            if track.duration:
                tip += f"\nbusy until {(run + track.duration).astimezone(win.zone):%H:%M %Z}"
                if running[k] > 1:
                    tip += f"; {running[k] - 1} earlier run(s) of it still busy"
            runs.append([index, day, hour, f"{local:%H:%M}", tip, running[k] > 1])
    pile = pileups(cal)
    return {
        "view": win.view,
        "title": heading(cal),
        "zone": win.zone_name,
        "days": [{"iso": d.isoformat(), "weekday": d.weekday(), "label": f"{d:%a %d %b}",
                  "notes": marks.get(i, [])} for i, d in enumerate(win.days)],
        "missing": sorted([d, h] for d, h in cal.missing),
        "tracks": [{"name": t.name, "description": t.description, "runs": len(t.runs)}
                   for t in cal.tracks],
        "idle": [{"name": n, "description": d} for n, d in cal.idle],
        "runs": runs,
        "peak": max(cal.counts.values(), default=0),
        "pileups": [] if len(cal.tracks) < 2 else [
            f"{s.hour:02d}:00 on {day_spans(s.days)}: {s.runs} runs from "
            + ", ".join(f"{name} ({n})" for name, n in s.schedules)
            for s in pile.slots],
        "load": _load_data(cal),
        "peakLine": "" if len(cal.tracks) < 2 or not pile.slots else (
            f"At most {pile.peak} syncs start in one hour; at most {pile.widest} schedules "
            f"share one hour; at most {pile.together} syncs start at the same instant."),
    }


def _load_data(cal: Calendar) -> dict[str, Any] | None:
    """The busy spans for the page: per cell the most syncs at once and who is busy."""
    load = cal.load
    if load is None:
        return None
    zone = cal.window.zone
    lines: list[str] = []
    if load.peak and load.at is not None and load.until is not None:
        start, end = load.at.astimezone(zone), load.until.astimezone(zone)
        lines.append(f"At most {load.peak} syncs run at once, first from "
                     f"{start:%a %d %b %H:%M %Z} to {end:%a %d %b %H:%M %Z} "
                     f"({span_text(load.at_peak)} in all at that level): "
                     + ", ".join(load.names) + ".")
    for o in load.selves:
        track = cal.tracks[o.track]
        if o.overlaps and track.duration is not None:
            lines.append(f"{track.name} overlaps itself: {o.overlaps} of {len(track.runs)} "
                         f"runs start while an earlier one is busy "
                         f"({span_text(track.duration)} a run); up to {o.peak} at once.")
    if not any(o.overlaps for o in load.selves):
        lines.append("No schedule overlaps itself.")
    return {
        "peak": load.peak,
        "cells": sorted([d, h, n] for (d, h), n in load.cells.items()),
        "busy": [sorted([d, h] for d, h in cells) for cells in load.busy],
        "lines": lines,
    }


def _json_for_script(data: object) -> str:
    # Inside <script>, "</script>" or "<!--" in a schedule's name would end or confuse the
    # block; JSON allows escaping every <, > and & as \u00XX, so none of them remains.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # A lone surrogate (a name from a JSON "\ud800") cannot be written as UTF-8: keep it as
    # the JSON escape it came from; U+2028/U+2029 are escaped too, for older script parsers.
    return _UNENCODABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNENCODABLE = re.compile("[\ud800-\udfff\u2028\u2029]")


_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d2330; background: #fff; }
h1 { font-size: 1.25em; margin: 0 0 .8em; }
table.grid { border-collapse: collapse; table-layout: fixed; }
.grid th, .grid td { border: 1px solid #d5d9e0; padding: 2px 4px; vertical-align: top; }
.grid th { background: #f3f5f8; font-weight: 600; white-space: nowrap; }
.grid th.hour { text-align: right; color: #566; width: 3.5em; }
.week td { width: 8.5em; height: 1.6em; }
.month td { width: 9.5em; height: 5em; }
td.missing { background: repeating-linear-gradient(45deg, #f4f4f4, #f4f4f4 4px, #e4e4e4 4px,
  #e4e4e4 8px); }
td.out { background: #fafafa; border-color: #eee; }
th.dst, td.dst .day { color: #a0208c; }
.count { float: right; font-size: 11px; color: #566; }
.day { font-weight: 600; }
.hr { font-size: 11px; color: #566; margin-right: 3px; }
.run { display: inline-block; width: 7px; height: 7px; margin: 1px; border-radius: 50%;
  cursor: help; }
.run:hover { outline: 2px solid #1d2330; }
ul { padding-left: 1.2em; }
.legend { margin-top: 1em; max-width: 60em; }
.run.overlap { box-shadow: 0 0 0 2px #d83b5b; }
.spans { display: block; font-size: 10px; line-height: 10px; color: #8a1c3d; }
.span { display: inline-block; width: 8px; height: 4px; margin-right: 1px; opacity: .75;
  vertical-align: middle; }
.busy { font-size: 11px; color: #8a1c3d; display: block; text-align: right; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 50%;
  margin-right: 4px; }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("schedulelib-data").textContent);
  var palette = ["#3b6fd8", "#d8743b", "#2f9e62", "#b03bd8", "#d83b5b", "#7a8a1c", "#1c8a8a",
                 "#8a5a1c", "#5a1c8a", "#1c3d8a"];
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function colour(index) { return palette[index % palette.length]; }
  function heat(count) {
    if (!count || !data.peak) { return ""; }
    return "rgba(216, 116, 59, " + (0.08 + 0.42 * count / data.peak).toFixed(3) + ")";
  }
  function dot(run) {
    var node = el("i", RUN_CLASS + (run[5] ? " overlap" : ""));
    node.style.background = colour(run[0]);
    node.title = data.tracks[run[0]].name + "\n" + run[4];
    return node;
  }
  // Busy spans (when durations are known): who is busy in each cell, and how many at once.
  var busyIn = {};
  var atOnce = {};
  var dayAtOnce = {};
  if (data.load) {
    data.load.busy.forEach(function (cells, track) {
      cells.forEach(function (c) {
        var key = c[0] + ":" + c[1];
        (busyIn[key] = busyIn[key] || []).push(track);
      });
    });
    data.load.cells.forEach(function (c) {
      atOnce[c[0] + ":" + c[1]] = c[2];
      dayAtOnce[c[0]] = Math.max(dayAtOnce[c[0]] || 0, c[2]);
    });
  }
  function spans(key) {
    var box = el("span", "spans");
    (busyIn[key] || []).forEach(function (track) {
      var bar = el("i", "span");
      bar.style.background = colour(track);
      bar.title = data.tracks[track].name + " busy";
      box.appendChild(bar);
    });
    box.appendChild(el("small", "", " " + (atOnce[key] || 0) + " at once"));
    return box;
  }
  var RUN_CLASS = "__RUN_CLASS__";
  var byCell = {};
  var byDay = {};
  data.runs.forEach(function (run) {
    var key = run[1] + ":" + run[2];
    (byCell[key] = byCell[key] || []).push(run);
    (byDay[run[1]] = byDay[run[1]] || []).push(run);
  });
  var missing = {};
  data.missing.forEach(function (m) { missing[m[0] + ":" + m[1]] = true; });
  var root = document.getElementById("calendar");
  root.appendChild(el("h1", "", data.title));
  var table = el("table", "grid " + data.view);
  var head = el("tr");
  var drawn = 0;
  if (data.view === "week") {
    head.appendChild(el("th", "hour", data.zone.split("/").pop()));
    data.days.forEach(function (day) {
      var th = el("th", day.notes.length ? "dst" : "", day.label + (day.notes.length ? " *" : ""));
      if (day.notes.length) { th.title = day.notes.join("\n"); }
      head.appendChild(th);
    });
    table.appendChild(head);
    for (var hour = 0; hour < 24; hour++) {
      var tr = el("tr");
      tr.appendChild(el("th", "hour", (hour < 10 ? "0" : "") + hour + ":00"));
      data.days.forEach(function (day, index) {
        var key = index + ":" + hour;
        var td = el("td", missing[key] ? "missing" : "");
        if (missing[key]) { td.title = "this hour does not exist: " + day.notes.join("; "); }
        var cell = byCell[key] || [];
        if (cell.length) {
          td.appendChild(el("span", "count", String(cell.length)));
          td.style.background = heat(cell.length);
          cell.forEach(function (run) { td.appendChild(dot(run)); drawn++; });
        }
        if (data.load && busyIn[key]) {
          td.appendChild(spans(key));
          td.title = (atOnce[key] || 0) + " at most running at once in this hour";
        }
        tr.appendChild(td);
      });
      table.appendChild(tr);
    }
  } else {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].forEach(function (name) {
      head.appendChild(el("th", "", name));
    });
    table.appendChild(head);
    var lead = data.days[0].weekday;
    var weeks = Math.ceil((lead + data.days.length) / 7);
    var busiest = 0;
    data.days.forEach(function (day, index) {
      busiest = Math.max(busiest, (byDay[index] || []).length);
    });
    for (var week = 0; week < weeks; week++) {
      var row = el("tr");
      for (var column = 0; column < 7; column++) {
        var index = week * 7 + column - lead;
        if (index < 0 || index >= data.days.length) { row.appendChild(el("td", "out")); continue; }
        var day = data.days[index];
        var runs = byDay[index] || [];
        var td = el("td", day.notes.length ? "dst" : "");
        var label = el("span", "day", day.iso.slice(8).replace(/^0/, "") +
                       (day.notes.length ? " *" : ""));
        if (day.notes.length) { label.title = day.notes.join("\n"); }
        td.appendChild(label);
        td.appendChild(el("span", "count", runs.length ? String(runs.length) : ""));
        if (dayAtOnce[index]) {
          td.appendChild(el("span", "busy", "busy " + dayAtOnce[index] + " at once"));
        }
        if (runs.length && busiest) {
          td.style.background = "rgba(216, 116, 59, " +
            (0.08 + 0.42 * runs.length / busiest).toFixed(3) + ")";
        }
        var lastHour = -1;
        var line = null;
        runs.slice().sort(function (a, b) { return a[2] - b[2]; }).forEach(function (run) {
          if (run[2] !== lastHour) {
            line = el("div");
            line.appendChild(el("span", "hr", run[3].slice(0, 2) + "h"));
            td.appendChild(line);
            lastHour = run[2];
          }
          line.appendChild(dot(run));
          drawn++;
        });
        row.appendChild(td);
      }
      table.appendChild(row);
    }
  }
  root.appendChild(table);
  var legend = el("div", "legend");
  var notes = [];
  data.days.forEach(function (day) {
    day.notes.forEach(function (note) { notes.push("* " + day.label + ": " + note); });
  });
  if (notes.length) {
    var ul = el("ul");
    notes.forEach(function (note) { ul.appendChild(el("li", "dst", note)); });
    legend.appendChild(ul);
  }
  var list = el("ul");
  data.tracks.forEach(function (track, index) {
    var li = el("li");
    var swatch = el("span", "swatch");
    swatch.style.background = colour(index);
    li.appendChild(swatch);
    li.appendChild(document.createTextNode(track.name + ": " + track.description + " (" +
      track.runs + (track.runs === 1 ? " run)" : " runs)")));
    list.appendChild(li);
  });
  data.idle.forEach(function (item) {
    list.appendChild(el("li", "", item.name + ": " + item.description + " (no clock drives it)"));
  });
  legend.appendChild(el("h2", "", "Schedules"));
  legend.appendChild(list);
  if (data.pileups.length) {
    legend.appendChild(el("h2", "", "Pile-ups"));
    legend.appendChild(el("p", "", data.peakLine));
    var pl = el("ul");
    data.pileups.forEach(function (line) { pl.appendChild(el("li", "", line)); });
    legend.appendChild(pl);
  }
  if (data.load) {
    legend.appendChild(el("h2", "", "Busy spans"));
    var bl = el("ul");
    data.load.lines.forEach(function (line) { bl.appendChild(el("li", "", line)); });
    legend.appendChild(bl);
    legend.appendChild(el("p", "", "Bars under a cell: the schedules busy in that hour. A " +
      "ringed dot: a run that starts while an earlier run of it is still busy."));
  }
  legend.appendChild(el("p", "", "Hover a dot for the exact instant of that run."));
  root.appendChild(legend);
  root.setAttribute("data-drawn", String(drawn));
}());
"""


def to_html(cal: Calendar, *, generated: datetime | None = None) -> str:
    """The page: the week or month grid drawn by an inline script from embedded JSON.

    ``generated`` (default now) is only shown in the page's footer.
    """
    data = page_data(cal)
    made = (generated or datetime.now(UTC)).astimezone(UTC)
    title = html.escape(data["title"])
    script = _SCRIPT.replace("__RUN_CLASS__", RUN_CLASS)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        # The page loads nothing: forbid it outright, so an edit that adds a remote asset fails.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        '<main id="calendar"></main>\n'
        "<noscript><p>This calendar is drawn by a script; allow scripts to see it.</p>"
        "</noscript>\n"
        f'<footer><small>Made by schedulelib on {made:%Y-%m-%d %H:%M} UTC.</small></footer>\n'
        '<script type="application/json" id="schedulelib-data">'
        f"{_json_for_script(data)}</script>\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )
