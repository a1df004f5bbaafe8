"""The ctest fixture of the container tests: `build` makes the image once per ctest run
(scripts/image, from the packages in BUILD_DIR/deb, tagged N2GG_TEST_IMAGE), `remove`
deletes it. Where the image cannot be built (not root, no Debian archive) it says why and
exits 0: the tests that use the image then skip themselves, saying so."""
import os
import shutil
import socket
import subprocess
import sys

from harness import BUILD_DIR, SOURCE_DIR

IMAGE = os.environ["N2GG_TEST_IMAGE"]


def why_not_buildable():
    if os.geteuid() != 0:
        return "needs root (mmdebstrap, podman)"
    try:
        socket.create_connection(("deb.debian.org", 80), timeout=5).close()
    except OSError as e:
        return f"Debian's archive is not reachable: {e}"
    return None


if sys.argv[1] == "build":
    why = why_not_buildable()
    if why:
        print(f"image not built: {why}")
        sys.exit(0)
    subprocess.run([os.path.join(SOURCE_DIR, "scripts", "image"), "--tag", IMAGE,
                    "--debs", os.path.join(BUILD_DIR, "deb")], check=True)
elif shutil.which("podman") and os.geteuid() == 0 and subprocess.run(
        ["podman", "image", "exists", IMAGE], stderr=subprocess.DEVNULL).returncode == 0:
    subprocess.run(["podman", "rmi", "--force", IMAGE], check=True, stdout=subprocess.DEVNULL)
