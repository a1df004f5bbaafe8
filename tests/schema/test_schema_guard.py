"""The schema guard passes on proto/ as it is, and catches each kind of break."""
import os
import re
import shutil
import tempfile
import unittest

import schema_guard


class SchemaGuardTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="n2gg-schema-")
        self.proto = os.path.join(self.tmp, "proto")
        shutil.copytree(schema_guard.PROTO_DIR, self.proto)
        self.released = schema_guard.load()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, path, old, new):
        full = os.path.join(self.proto, path)
        with open(full) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(full, "w") as f:
            f.write(text.replace(old, new, 1))
        return schema_guard.compare(self.released, schema_guard.compile_schema(self.proto))

    def test_the_current_schema_keeps_the_released_contract(self):
        self.assertEqual(schema_guard.compare(self.released, schema_guard.compile_schema()), [])

    def test_adding_a_field_is_allowed(self):
        self.assertEqual(self.edit("n2gg/v1/registry.proto", "  string telephone = 32;\n",
                                   "  string telephone = 32;\n  string fax = 99;\n"), [])

    def test_a_removed_field_is_caught(self):
        problems = self.edit("n2gg/v1/registry.proto", "  string telephone = 32;\n", "")
        self.assertTrue(any("telephone" in p and "removed" in p for p in problems), problems)

    def test_a_renumbered_field_is_caught(self):
        problems = self.edit("n2gg/v1/registry.proto", "string telephone = 32;", "string telephone = 99;")
        self.assertTrue(any("renumbered" in p for p in problems), problems)

    def test_a_retyped_field_is_caught(self):
        problems = self.edit("n2gg/v1/registry.proto", "string telephone = 32;", "bytes telephone = 32;")
        self.assertTrue(any("changed type" in p for p in problems), problems)

    def test_a_renumbered_enum_value_is_caught(self):
        problems = self.edit("n2gg/v1/common.proto", "NOT_FOUND = 5;", "NOT_FOUND = 55;")
        self.assertTrue(any("NOT_FOUND" in p for p in problems), problems)

    def test_a_removed_message_is_caught(self):
        path = os.path.join(self.proto, "n2gg/v1/common.proto")
        with open(path) as f:
            text = f.read()
        text = re.sub(r"message HealthRequest \{\}\n", "", text)
        text = re.sub(r"message HealthReply \{.*?\}\n", "", text, flags=re.S)
        with open(path, "w") as f:
            f.write(text)
        problems = schema_guard.compare(self.released, schema_guard.compile_schema(self.proto))
        self.assertIn("message n2gg.v1.HealthReply was removed", problems)


if __name__ == "__main__":
    unittest.main()
