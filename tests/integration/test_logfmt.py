"""Log lines are logfmt a machine can read back: every line a service writes parses as
key=value pairs, and a value holding quotes, backslashes, spaces and newlines (here a
policy file's path and the reasons a reload was refused) reads back exactly as it was."""
import os
import re
import shutil
import signal

from harness import SOURCE_DIR, ServiceTestCase, wait_for

POLICY = os.path.join(SOURCE_DIR, "services", "categoriser", "policy", "norfolk-2013.yaml")
KEY = re.compile(r"[A-Za-z0-9_.-]+")
BARE = re.compile(r'[^\s="\\]+')
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def parse_logfmt(line):
    """A strict logfmt reader: pairs separated by one space, keys of word characters,
    values bare (no space, '=', quote or backslash) or quoted with \\" \\\\ \\n \\r \\t
    \\u00XX escapes and no raw control characters. Returns [(key, value)]; raises
    ValueError on anything else."""
    pairs, i = [], 0
    while i < len(line):
        if pairs:
            if line[i] != " ":
                raise ValueError(f"no space before column {i}")
            i += 1
        m = KEY.match(line, i)
        if not m or m.end() >= len(line) or line[m.end()] != "=":
            raise ValueError(f"no key= at column {i}")
        key, i = m.group(), m.end() + 1
        if i < len(line) and line[i] == '"':
            out, i = [], i + 1
            while True:
                if i >= len(line):
                    raise ValueError(f"{key}: unterminated quoted value")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if ord(c) < 0x20 or c == "\x7f":
                    raise ValueError(f"{key}: raw control character")
                if c == "\\":
                    e = line[i + 1:i + 2]
                    if e in ESCAPES:
                        out.append(ESCAPES[e])
                        i += 2
                    elif e == "u" and re.fullmatch(r"00[0-9a-f]{2}", line[i + 2:i + 6]):
                        out.append(chr(int(line[i + 4:i + 6], 16)))
                        i += 6
                    else:
                        raise ValueError(f"{key}: bad escape \\{e}")
                    continue
                out.append(c)
                i += 1
            value = "".join(out)
        else:
            m = BARE.match(line, i)
            if not m:
                raise ValueError(f"{key}: empty or bad bare value at column {i}")
            value, i = m.group(), m.end()
        pairs.append((key, value))
    return pairs


def parse_log(test, text):
    """Every line of a service's log, parsed; fails the test naming a line that is not
    logfmt."""
    lines = []
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            pairs = parse_logfmt(line)
        except ValueError as e:
            test.fail(f"log line {n} is not logfmt ({e}):\n{line}")
        test.assertEqual([k for k, _ in pairs[:4]], ["time", "level", "service", "msg"], line)
        lines.append(dict(pairs))
    test.assertTrue(text.endswith("\n"))
    return lines


class TestParser(ServiceTestCase):
    def test_the_parser_is_strict(self):
        self.assertEqual(parse_logfmt('a=1 b="x \\"y\\" \\\\ \\n\\u0001"'),
                         [("a", "1"), ("b", 'x "y" \\ \n\x01')])
        for bad in ('a="x "y""', 'a="unterminated', "a=x  b=y", "a=", 'a=x"y', "a b=1",
                    'a="\\q"'):
            with self.assertRaises(ValueError, msg=bad):
                parse_logfmt(bad)


class TestLogfmt(ServiceTestCase):
    def test_a_path_with_quotes_and_backslashes_reads_back_from_every_line(self):
        weird = os.path.join(self.tmp, 'the "new" policy \\ draft')
        os.makedirs(weird)
        path = os.path.join(weird, "policy.yaml")
        shutil.copy(POLICY, path)
        reg = self.start("registry")
        cat = self.start("categoriser", extra_args=[
            "--registry", reg.api, "--registry-events", reg.events, "--policy", path])
        loaded = [x for x in parse_log(self, cat.log()) if x["msg"] == "policy loaded"]
        self.assertEqual(len(loaded), 1, cat.log())
        self.assertEqual(loaded[0]["file"], path)

        # a reload refused: its reasons (which quote the path and the bad fact) read back
        with open(POLICY) as f:
            good = f.read()
        with open(path, "w") as f:
            f.write(good.replace("fact: la.targeted_n2gg", 'fact: "la.\\"targetted\\"\\n"'))
        cat.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "policy reload refused" in cat.log(), what="the refusal in the log")
        lines = parse_log(self, cat.log())
        refused = [x for x in lines if x["msg"] == "policy reload refused; the policy in force stays"]
        self.assertEqual(len(refused), 1, cat.log())
        self.assertEqual(refused[0]["file"], path)
        self.assertIn(path, refused[0]["error"])
        self.assertIn('la."targetted"\n', refused[0]["error"])
        problems = [x for x in lines if x["msg"] == "policy problem"]
        self.assertTrue(problems, cat.log())
        self.assertTrue(all(x["file"] == path for x in problems))
        self.assertTrue(any('la."targetted"\n' in x["problem"] for x in problems), problems)
        # the registry's own lines are logfmt too
        parse_log(self, reg.log())
