"""Config files (`--config FILE`): a service started with a file that holds an unknown
setting, a line that is not `name = value` or another service's section does not start
(exit 2), and says which file, line and name; a good file is used."""
import os

from harness import SLOW, ServiceTestCase


class TestConfigFile(ServiceTestCase):
    def write(self, text):
        path = os.path.join(self.tmp, "registry.ini")
        with open(path, "w") as f:
            f.write(text)
        return path

    def refused(self, text):
        """Starts the registry with `text` as its config file; returns (file, its output)
        after checking it exited 2 without starting."""
        path = self.write(text)
        reg = self.start("registry", extra_args=["--config", path], wait=False)
        self.assertEqual(reg.proc.wait(timeout=20 * SLOW), 2, reg.log())
        self.assertNotIn('msg="started"', reg.log())
        return path, reg.log()

    def test_an_unknown_setting_stops_the_service_naming_file_line_and_key(self):
        path, log = self.refused("; the test registry\nlog-level = info\ncolour = blue\n")
        self.assertIn(f'{path}:3: unknown setting "colour" (see n2gg-registry --help)', log)

    def test_a_misspelt_setting_is_not_silently_left_at_its_default(self):
        path, log = self.refused("log_level = debug\n")
        self.assertIn(f'{path}:1: unknown setting "log_level"', log)

    def test_a_line_that_is_not_a_setting_stops_the_service(self):
        path, log = self.refused("log-level = info\n\nlog-level debug\n")
        self.assertIn(f'{path}:3: "log-level debug" is not a setting', log)

    def test_another_services_section_stops_the_service(self):
        path, log = self.refused("[categoriser]\nregistry = tcp://127.0.0.1:1\n")
        self.assertIn(f"{path}:1: section [categoriser]", log)

    def test_a_good_file_is_used_and_flags_still_win(self):
        # warn: the "started" line (info) is not logged; the harness's --api flag wins
        path = self.write("[registry]\nlog-level = warn\napi = tcp://127.0.0.1:1\n")
        reg = self.start("registry", extra_args=["--config", path])
        self.assertNotIn('msg="started"', reg.log())
        self.assertEqual(reg.stop(), 0)
