#!/usr/bin/python3
"""Schema guard: the .proto files in proto/ are a public contract that may only grow.

Compares the schema compiled from proto/ now against the released descriptor committed
in proto/released/n2gg-v1.desc and reports every message, field, enum or enum value that
was removed, renumbered, renamed or retyped. New messages, fields and values are fine.

  schema_guard.py check            exit 1 and list the breaks, if any
  schema_guard.py release          write the current schema as the released one
                                   (when cutting a release, after a check passes)
"""
import os
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTO_DIR = os.path.join(ROOT, "proto")
RELEASED = os.path.join(PROTO_DIR, "released", "n2gg-v1.desc")


def compile_schema(proto_dir=PROTO_DIR):
    files = sorted(os.path.relpath(os.path.join(d, f), proto_dir)
                   for d, _, fs in os.walk(proto_dir) for f in fs if f.endswith(".proto"))
    with tempfile.NamedTemporaryFile(suffix=".desc") as out:
        subprocess.run(["protoc", f"--proto_path={proto_dir}", f"--descriptor_set_out={out.name}",
                        *files], check=True)
        return descriptor_pb2.FileDescriptorSet.FromString(out.read())


def load(path=RELEASED):
    with open(path, "rb") as f:
        return descriptor_pb2.FileDescriptorSet.FromString(f.read())


def _messages(fds):
    out = {}
    def walk(prefix, msgs):
        for m in msgs:
            name = f"{prefix}.{m.name}"
            out[name] = m
            walk(name, m.nested_type)
    for f in fds.file:
        walk(f.package, f.message_type)
    return out


def _enums(fds):
    out = {}
    def walk(prefix, msgs):
        for m in msgs:
            for e in m.enum_type:
                out[f"{prefix}.{m.name}.{e.name}"] = e
            walk(f"{prefix}.{m.name}", m.nested_type)
    for f in fds.file:
        for e in f.enum_type:
            out[f"{f.package}.{e.name}"] = e
        walk(f.package, f.message_type)
    return out


def _field_shape(f):
    return (f.type, f.label, f.type_name, f.HasField("oneof_index"))


def compare(released, current):
    """Every way `current` breaks what `released` promised, as sentences."""
    problems = []
    now_msgs = _messages(current)
    for name, old in _messages(released).items():
        new = now_msgs.get(name)
        if new is None:
            problems.append(f"message {name} was removed")
            continue
        by_number = {f.number: f for f in new.field}
        by_name = {f.name: f for f in new.field}
        for f in old.field:
            g = by_number.get(f.number)
            if g is None:
                moved = by_name.get(f.name)
                if moved is not None:
                    problems.append(f"{name}.{f.name} was renumbered {f.number} -> {moved.number}")
                else:
                    problems.append(f"{name}.{f.name} (field {f.number}) was removed")
            elif g.name != f.name:
                problems.append(f"{name} field {f.number} was renamed {f.name} -> {g.name}")
            elif _field_shape(g) != _field_shape(f):
                problems.append(f"{name}.{f.name} (field {f.number}) changed type or label")
    now_enums = _enums(current)
    for name, old in _enums(released).items():
        new = now_enums.get(name)
        if new is None:
            problems.append(f"enum {name} was removed")
            continue
        values = {v.name: v.number for v in new.value}
        for v in old.value:
            if v.name not in values:
                problems.append(f"enum value {name}.{v.name} was removed")
            elif values[v.name] != v.number:
                problems.append(f"enum value {name}.{v.name} was renumbered {v.number} -> {values[v.name]}")
    return problems


def main(argv):
    if argv[1:] == ["release"]:
        os.makedirs(os.path.dirname(RELEASED), exist_ok=True)
        with open(RELEASED, "wb") as f:
            f.write(compile_schema().SerializeToString(deterministic=True))
        print(f"released schema written to {os.path.relpath(RELEASED, ROOT)}")
        return 0
    if argv[1:] != ["check"]:
        print(__doc__)
        return 2
    problems = compare(load(), compile_schema())
    for p in problems:
        print(f"schema break: {p}")
    if problems:
        print("proto/ is a public contract: add fields and messages, never remove, renumber or retype")
        return 1
    print("schema guard: proto/ keeps every released message, field and enum value")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
