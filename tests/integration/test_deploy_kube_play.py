"""The rendered example overlay of deploy/kubernetes run for real by `podman kube play`,
which runs Deployments and Pods (not StatefulSets, Secrets or NetworkPolicies). Each
StatefulSet becomes the Deployment form of itself: the same pod template (the image built
by the fixture deploy.image, its command, ports, probes, environment and security
contexts), its volume claim template a PersistentVolumeClaim (a podman volume), its two
Secret volumes the same certificates from a directory (podman 4.3 has no Secret volumes),
only its HTTP port declared, published on a free loopback port, and the sources' Service
names, which podman does not have, replaced by the pods' names (N2GG_<SERVICE>_<SOURCE>
settings). All five pods run as the image's user on a read-only root and become ready
(/readyz).

Needs root (skips itself otherwise, saying why)."""
import copy
import json
import os
import re
import shutil
import tempfile
import unittest

import yaml

from containers import (IMAGE, IMAGE_UID, SERVICES, kubectl, podman, prefix, render_overlay,
                        wait_ready, why_not_runnable)
from harness import free_port

# the image's settings that name a source by its Service name: tcp://registry:7100
SOURCE = re.compile(r"(N2GG_[A-Z]+_[A-Z_]+)=tcp://([a-z]+):(\d+)$")


def why_not():
    return why_not_runnable("catatonit") or (None if kubectl() else "no kubectl")


@unittest.skipIf(why_not(), why_not())
class KubePlayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="n2gg-kube-play-test-")
        cls.name = prefix()
        cls.http = {s: free_port() for s in SERVICES}
        docs = list(yaml.safe_load_all(render_overlay(cls.tmp)))
        cls.keys = os.path.join(cls.tmp, "kubernetes", "overlays", "example", "keys")
        cls.play = os.path.join(cls.tmp, "play.yaml")
        with open(cls.play, "w") as f:
            yaml.safe_dump_all(cls.deployment_forms(docs), f)
        podman("network", "create", cls.name)
        try:
            podman("kube", "play", "--network", cls.name, cls.play, timeout=300)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def deployment_forms(cls, docs):
        sources = [SOURCE.match(e) for e in json.loads(podman(
            "image", "inspect", IMAGE, "--format", "{{json .Config.Env}}"))]
        out = []
        for sts in (d for d in docs if d["kind"] == "StatefulSet"):
            service = sts["metadata"]["name"]
            name = f"{cls.name}-{service}"
            claim = sts["spec"]["volumeClaimTemplates"][0]
            out.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                        "metadata": {"name": f"{name}-{claim['metadata']['name']}"},
                        "spec": claim["spec"]})
            pod = copy.deepcopy(sts["spec"]["template"])
            spec = pod["spec"]
            # a directory of its own holding just its secret, as the Secret volume would
            own = os.path.join(cls.keys, "own", service)
            os.makedirs(own)
            shutil.copy2(os.path.join(cls.keys, f"{service}.key_secret"), own)
            os.chown(os.path.join(own, f"{service}.key_secret"), IMAGE_UID, IMAGE_UID)
            for v in spec["volumes"]:
                if v.get("secret"):
                    public = v["secret"]["secretName"].startswith("n2gg-public-keys")
                    v.pop("secret")
                    v["hostPath"] = {"path": os.path.join(cls.keys, "public") if public else own,
                                     "type": "Directory"}
            spec["volumes"].append({"name": claim["metadata"]["name"], "persistentVolumeClaim": {
                "claimName": f"{name}-{claim['metadata']['name']}"}})
            c = spec["containers"][0]
            c["image"] = IMAGE
            # podman publishes a containerPort on the host's same port: only HTTP, on a free one
            c["ports"] = [dict(p, hostPort=cls.http[service], hostIP="127.0.0.1")
                          for p in c["ports"] if p["name"] == "http"]
            c.setdefault("env", []).extend(
                {"name": m[1], "value": f"tcp://{cls.name}-{m[2]}-pod-0:{m[3]}"}
                for m in sources if m and m[1].startswith(f"N2GG_{service.upper()}_"))
            out.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
                        "spec": {"replicas": 1, "selector": sts["spec"]["selector"],
                                 "template": pod}})
        return out

    @classmethod
    def tearDownClass(cls):
        podman("kube", "down", cls.play, check=False)
        for service in SERVICES:
            podman("volume", "rm", "--force", f"{cls.name}-{service}-state", check=False)
        podman("network", "rm", "--force", cls.name, check=False)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_pod_becomes_ready(self):
        for service in SERVICES:
            container = f"{self.name}-{service}-pod-0-{service}"
            wait_ready(f"http://127.0.0.1:{self.http[service]}", service, timeout=90,
                       logs=lambda c=container: podman("logs", c, check=False))
            user, read_only = podman("inspect", container, "--format",
                                     "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}").split()
            self.assertEqual((user.split(":")[0], read_only), (str(IMAGE_UID), "true"))


if __name__ == "__main__":
    unittest.main()
