"""A strict checker of the Prometheus text exposition format (version 0.0.4), for the
services' /metrics. promtool (`promtool check metrics`) is the reference, but Debian's
prometheus package that carries it is some 100 MB installed; this implements the rules it
applies: the parser's (names, labels, values, HELP and TYPE once and before the samples,
a family's samples together, no series twice, histograms whole and cumulative) and its
linter's (HELP for every family, counters and only counters named ..._total, base units
spelled out in names: _seconds, _bytes, not _ms or _mb, no camelCase, no ':' and no type
name in a name). When promtool is installed the tests run it as well.

check(text) returns a list of problems, each a string naming the metric; [] when clean."""
import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
# promlint: abbreviated units, and units that are not the base unit
ABBREVIATIONS = {"s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"}
NON_BASE = {"minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds",
            "bits": "bytes", "kelvins": "kelvin", "fahrenheit": "celsius", "inches": "meters",
            "yards": "meters", "miles": "meters", "calories": "joules", "pounds": "grams",
            "ounces": "grams"}
PREFIXES = ("pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi",
            "mega", "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi")
BASE = ("seconds", "bytes", "meters", "metres", "grams", "joules", "volts", "amperes")


def _parse_labels(text, pos, problems, where):
    """Parses `{a="b",...}` from text[pos] == '{'. Returns (labels, position after '}')."""
    labels = {}
    pos += 1
    while True:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        if pos < len(text) and text[pos] == "}":
            return labels, pos + 1
        m = LABEL.match(text, pos)
        if not m:
            raise ValueError(f"{where}: bad label name at {text[pos:pos + 20]!r}")
        name = m.group(0)
        pos = m.end()
        if not text.startswith('="', pos):
            raise ValueError(f"{where}: label {name} without =\"value\"")
        pos += 2
        value = []
        while True:
            if pos >= len(text):
                raise ValueError(f"{where}: unterminated value of label {name}")
            c = text[pos]
            if c == "\\":
                nxt = text[pos + 1:pos + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ValueError(f"{where}: bad escape \\{nxt} in label {name}")
                value.append({"n": "\n"}.get(nxt, nxt))
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                value.append(c)
                pos += 1
        if name in labels:
            raise ValueError(f"{where}: label {name} twice")
        if name.startswith("__"):
            problems.append(f"{where}: label {name}: names beginning __ are reserved")
        if re.search(r"[a-z][A-Z]", name):
            problems.append(f"{where}: label {name} should be snake_case")
        labels[name] = "".join(value)
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _value(text, where):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{where}: value {text!r} is not a number") from None


def _family_of(name, types):
    """The family a sample belongs to (a histogram's _bucket, _sum, _count are its own)."""
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and types.get(base) in ("histogram", "summary"):
            return base
    return name


def _lint_name(name, mtype):
    out = []
    if ":" in name:
        out.append(f"{name}: ':' is for recording rules")
    if re.search(r"[a-z][A-Z]", name):
        out.append(f"{name}: metric names should be snake_case")
    if mtype == "counter" and not name.endswith("_total"):
        out.append(f'{name}: counter metrics should have "_total" suffix')
    if mtype not in ("counter", "untyped") and name.endswith("_total"):
        out.append(f'{name}: non-counter metrics should not have "_total" suffix')
    if mtype not in ("histogram", "summary"):
        for suffix in ("_count", "_sum", "_bucket"):
            if name.endswith(suffix):
                out.append(f"{name}: non-histogram and non-summary metrics should not have "
                           f"\"{suffix}\" suffix")
    parts = name.split("_")
    for part in parts:
        if part in ABBREVIATIONS:
            out.append(f"{name}: metric names should not contain abbreviated units ({part})")
        if part in NON_BASE:
            out.append(f"{name}: use base unit {NON_BASE[part]} instead of {part}")
        for prefix in PREFIXES:
            if part.startswith(prefix) and part[len(prefix):] in BASE:
                out.append(f"{name}: use base unit {part[len(prefix):]} instead of {part}")
        if part in TYPES[:4]:
            out.append(f"{name}: metric name should not include type '{part}'")
    return out


def check(text):
    problems = []
    helps, types = {}, {}
    seen_samples = {}        # family -> index of its block of samples
    series = set()
    current = None
    block = 0
    hist = {}                # (family, labels without le) -> {"buckets": [(le, v)], ...}
    if text and not text.endswith("\n"):
        problems.append("the text does not end with a newline")
    for number, line in enumerate(text.split("\n"), 1):
        where = f"line {number}"
        if not line.strip():
            continue
        try:
            if line.startswith("#"):
                parts = line.split(None, 3)
                if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                    name = parts[2]
                    if not NAME.fullmatch(name):
                        raise ValueError(f"{where}: bad metric name {name!r}")
                    if name in seen_samples:
                        raise ValueError(f"{where}: {parts[1]} of {name} after its samples")
                    table = helps if parts[1] == "HELP" else types
                    if name in table:
                        raise ValueError(f"{where}: second {parts[1]} line for {name}")
                    if parts[1] == "TYPE":
                        if len(parts) != 4 or parts[3] not in TYPES:
                            raise ValueError(f"{where}: bad TYPE line {line!r}")
                        types[name] = parts[3]
                    else:
                        helps[name] = parts[3] if len(parts) == 4 else ""
                continue
            m = NAME.match(line)
            if not m:
                raise ValueError(f"{where}: bad metric name at {line[:30]!r}")
            name = m.group(0)
            pos = m.end()
            labels = {}
            if pos < len(line) and line[pos] == "{":
                labels, pos = _parse_labels(line, pos, problems, where)
            rest = line[pos:].split()
            if len(rest) not in (1, 2) or not line[pos:pos + 1] == " ":
                raise ValueError(f"{where}: expected 'name{{labels}} value [timestamp]'")
            value = _value(rest[0], where)
            if len(rest) == 2 and not re.fullmatch(r"-?[0-9]+", rest[1]):
                raise ValueError(f"{where}: bad timestamp {rest[1]!r}")
            family = _family_of(name, types)
            if family != current:
                if family in seen_samples:
                    raise ValueError(f"{where}: the samples of {family} are not together")
                block += 1
                seen_samples[family] = block
                current = family
            key = (name, tuple(sorted(labels.items())))
            if key in series:
                problems.append(f"{where}: {name}{labels} appears twice")
            series.add(key)
            mtype = types.get(family, "untyped")
            if mtype == "counter" and (value < 0 or math.isnan(value)):
                problems.append(f"{where}: counter {name} is {value}")
            if mtype in ("counter", "gauge", "untyped") and name != family:
                problems.append(f"{where}: {name} is not named as its family {family}")
            if mtype == "histogram":
                rest_labels = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
                h = hist.setdefault((family, rest_labels), {"buckets": []})
                if name.endswith("_bucket"):
                    if "le" not in labels:
                        problems.append(f"{where}: {name} without le")
                    else:
                        h["buckets"].append((_value(labels["le"], where), value))
                else:
                    h[name[len(family) + 1:]] = value
        except ValueError as e:
            problems.append(str(e))
    for (family, labels), h in hist.items():
        where = f"{family}{dict(labels)}"
        les = [le for le, _ in h["buckets"]]
        counts = [v for _, v in h["buckets"]]
        if not les or les[-1] != math.inf:
            problems.append(f"{where}: no le=\"+Inf\" bucket last")
        if les != sorted(les):
            problems.append(f"{where}: buckets not in order of le")
        if counts != sorted(counts):
            problems.append(f"{where}: bucket counts are not cumulative")
        if "count" not in h or "sum" not in h:
            problems.append(f"{where}: _sum or _count missing")
        elif counts and counts[-1] != h["count"]:
            problems.append(f"{where}: the +Inf bucket ({counts[-1]}) is not _count ({h['count']})")
    for family in seen_samples:
        if family not in helps or not helps[family].strip():
            problems.append(f"{family}: no help text")
        if family not in types:
            problems.append(f"{family}: no TYPE line")
    for family in set(helps) | set(types):
        problems.extend(_lint_name(family, types.get(family, "untyped")))
    return problems


def families(text):
    """{family name: {"type": ..., "samples": [(name, labels dict, value)]}} of a clean text."""
    out = {}
    types = {}
    for line in text.split("\n"):
        if line.startswith("# TYPE "):
            _, _, name, mtype = line.split(None, 3)
            types[name] = mtype
            out.setdefault(name, {"type": mtype, "samples": []})
        elif line and not line.startswith("#"):
            m = NAME.match(line)
            labels, pos = ({}, m.end())
            if line[pos:pos + 1] == "{":
                labels, pos = _parse_labels(line, pos, [], "")
            family = _family_of(m.group(0), types)
            out.setdefault(family, {"type": "untyped", "samples": []})["samples"].append(
                (m.group(0), labels, _value(line[pos:].split()[0], "")))
    return out
