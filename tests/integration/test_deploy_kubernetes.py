"""deploy/kubernetes checked offline (no cluster runs here): every manifest of the base and
the example overlay validates against the Kubernetes schemas (the npm package
kubernetes-models, through tests/kubernetes/check-manifests.mjs); the example overlay
renders with kustomize (`kubectl kustomize`, with the certificates its kustomization asks
for made by `n2gg keys generate`) and the rendered deployment is what the design asks:
per service a StatefulSet of one replica with its store on a claim, a Service, a
PodDisruptionBudget, probes, memory requests and limits, the restricted security context,
certificates from Secrets, and NetworkPolicies that allow exactly the design's flows.
test_deploy_kube_play runs the rendered pods for real (root)."""
import glob
import os
import shutil
import subprocess
import tempfile
import unittest

from containers import kubectl, render_overlay
from harness import SOURCE_DIR

CHECK = os.path.join(SOURCE_DIR, "tests", "kubernetes", "check-manifests.mjs")
K8S = os.path.join(SOURCE_DIR, "deploy", "kubernetes")


def check(*args, stdin=None):
    r = subprocess.run(["node", CHECK, *args], input=stdin, capture_output=True, text=True,
                       cwd=SOURCE_DIR, timeout=120)
    return r.returncode, r.stdout + r.stderr


class KubernetesManifestsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="n2gg-k8s-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_every_manifest_validates(self):
        # the overlay's patches (settings.yaml) are partial by nature: checked once rendered
        files = sorted(glob.glob(os.path.join(K8S, "base", "*.yaml"))) + [
            os.path.join(K8S, "overlays", "example", "namespace.yaml")]
        code, out = check(*files)
        self.assertEqual(code, 0, out)
        self.assertIn("0 failed", out)

    @unittest.skipIf(not kubectl(), "no kubectl for `kubectl kustomize` (scripts/deps-deploy, as root)")
    def test_the_example_overlay_renders_as_the_design_asks(self):
        code, out = check("--rendered", "-", stdin=render_overlay(self.tmp))
        self.assertEqual(code, 0, out)
        self.assertIn("0 failed", out)


if __name__ == "__main__":
    unittest.main()
