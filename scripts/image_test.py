"""``make image-test``: build the image with a real Docker engine and run it as an operator.

Checks, each printed as it passes: the health check turns healthy; the server runs as
a non-root user; a seed article is cleaned exactly as the library here cleans it; a
custom gazetteer mounted on ``/gazetteer`` is used; settings given by environment
(port, body limit, log format) are honoured; ``docker stop`` is a graceful stop (exit
code 0, well within the grace period).  The image size is printed.

Where no engine can be had, it says why and exits 0 (CI need not run it).  As root with
Debian's ``docker.io`` installed and no engine running, it starts its own ``dockerd`` on a
private socket and stops it at the end.  When the base image cannot be pulled (no
registry in reach), it makes one with ``debootstrap`` and Debian's python3 (bookworm:
3.11) and builds on that through the Dockerfile's ``PYTHON_IMAGE`` argument.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE = os.environ.get("IMAGE", "normalizer:image-test")
BASE = os.environ.get("PYTHON_IMAGE", "python:3.11-slim")
LOCAL_BASE = "normalizer-base:debian-bookworm"
SEED = ROOT / "seeds" / "000_71306772a7e6a987.txt"


class Skip(Exception):
    """No engine here: say why, exit 0."""


def docker(*args: str, check: bool = True, timeout: float = 900, **kwargs):
    """Run ``docker ARGS``; its stdout as text."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def succeeds(*args: str, timeout: float = 900) -> bool:
    """Whether ``docker ARGS`` exits 0."""
    done = subprocess.run(["docker", *args], capture_output=True, timeout=timeout, check=False)
    return done.returncode == 0


def engine_answers() -> bool:
    return succeeds("info")


@contextlib.contextmanager
def engine():
    """A Docker engine to talk to: the running one, or our own dockerd while we work."""
    if shutil.which("docker") is None:
        raise Skip("no docker command (Debian: apt-get install docker.io)")
    if engine_answers():
        yield
        return
    if os.geteuid() != 0 or shutil.which("dockerd") is None:
        raise Skip("no Docker engine answers, and none can be started here (needs root + dockerd)")
    folder = Path(tempfile.mkdtemp(prefix="image-test-docker-"))
    sock = folder / "docker.sock"
    with (folder / "dockerd.log").open("wb") as log:
        daemon = subprocess.Popen(
            ["dockerd", "--iptables=false", "--bridge=none", f"--data-root={folder}/root",
             f"--exec-root={folder}/exec", f"--pidfile={folder}/dockerd.pid", f"-H=unix://{sock}"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    os.environ["DOCKER_HOST"] = f"unix://{sock}"
    try:
        deadline = time.monotonic() + 60
        while not engine_answers():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise Skip(f"dockerd did not start: see {folder}/dockerd.log")
            time.sleep(0.5)
        print(f"started dockerd (pid {daemon.pid}) on {sock}")
        yield
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def base_image() -> str:
    """The base to build on: BASE if it is here or can be pulled, else a local Debian."""
    if succeeds("image", "inspect", BASE) or succeeds("pull", BASE, timeout=120):
        return BASE
    if succeeds("image", "inspect", LOCAL_BASE):
        return LOCAL_BASE
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        raise Skip(f"{BASE} cannot be pulled and debootstrap (as root) is not here to make one")
    print(f"{BASE} cannot be pulled: making {LOCAL_BASE} with debootstrap (a few minutes)")
    with tempfile.TemporaryDirectory(prefix="image-test-rootfs-") as rootfs:
        subprocess.run(
            ["debootstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates",
             "bookworm", rootfs, "http://deb.debian.org/debian"],
            check=True, capture_output=True, timeout=1800,
        )  # fmt: skip
        # This machine's trust store: where the package index is reached through a TLS
        # proxy, pip in the build trusts what pip here trusts.
        bundle = "etc/ssl/certs/ca-certificates.crt"
        shutil.copyfile(Path("/") / bundle, Path(rootfs) / bundle)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        docker("import", f"--change=ENV PIP_CERT=/{bundle}", "-", LOCAL_BASE, stdin=tar.stdout)
        tar.wait()
    return LOCAL_BASE


def build(base: str) -> None:
    started = time.monotonic()
    # The host's network: the build's pip install reaches the package index as we do.
    docker("build", "--network=host", f"--build-arg=PYTHON_IMAGE={base}", "-t", IMAGE, str(ROOT))
    size = int(docker("image", "inspect", "-f", "{{.Size}}", IMAGE))
    print(f"built {IMAGE} on {base} in {time.monotonic() - started:.0f} s: {size / 1e6:.0f} MB")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(name: str, env: dict[str, str], *extra: str) -> int:
    """Start the image as container ``name`` on the host network; return its port."""
    port = free_port()
    settings = [f"-e={key}={value}" for key, value in {**env, "NORMALIZER_PORT": port}.items()]
    docker("rm", "-f", name, check=False)
    docker("run", "-d", "--name", name, "--network=host", "--health-interval=1s",
           *settings, *extra, IMAGE)  # fmt: skip
    return port


def wait_healthy(name: str, timeout: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        status = docker("inspect", "-f", "{{.State.Health.Status}}", name, check=False)
        if status == "healthy":
            return time.monotonic() - started
        if docker("inspect", "-f", "{{.State.Running}}", name, check=False) != "true":
            break
        time.sleep(0.5)
    raise AssertionError(f"{name} not healthy:\n{docker('logs', name, check=False)}")


def wait_ready(port: int, timeout: float = 180) -> float:
    """Seconds until /readyz answers 200 (the port answers /healthz before that)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(OSError, ValueError):
            if request(port, "GET", "/readyz")[0] == 200:
                return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError("/readyz not 200 in time")


def request(port: int, method: str, path: str, body: bytes | None = None, kind: str = "text/plain"):
    """(status, JSON answer) of one request."""
    call = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method=method, headers={"Content-Type": kind}
    )
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def check(what: str, ok: bool, shown: object = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}{f': {shown}' if shown != '' else ''}")
    if not ok:
        raise AssertionError(what)


def check_default_container() -> None:
    """Health, non-root, a seed cleaned as the library cleans it, a graceful stop."""
    from normalizer import clean

    name = "normalizer-image-test"
    port = run(name, {})
    check("healthy", True, f"after {wait_healthy(name):.1f} s")
    check("ready", True, f"{wait_ready(port):.1f} s later")
    uid = docker("exec", name, "id", "-u")
    check("runs as a non-root user", uid not in ("", "0"), f"uid {uid}")
    text = SEED.read_text(encoding="utf-8")
    status, answer = request(port, "POST", "/v1/clean", text.encode())
    same = (status, answer) == (200, clean(text).to_dict())
    check("seed 000 cleaned as the library cleans it", same)
    started = time.monotonic()
    docker("stop", "-t", "30", name)
    seconds = time.monotonic() - started
    code = docker("inspect", "-f", "{{.State.ExitCode}}", name)
    graceful = code == "0" and seconds < 25
    check("docker stop is graceful", graceful, f"exit {code} in {seconds:.1f} s")
    docker("rm", "-f", name, check=False)


def check_configured_container() -> None:
    """A mounted custom gazetteer, and settings from the environment."""
    name = "normalizer-image-test-custom"
    with tempfile.TemporaryDirectory(prefix="image-test-gazetteer-") as folder:
        custom = Path(folder) / "custom.jsonl"
        header = {"gazetteer": "custom", "format": 1, "version": "1"}
        entity = {"id": "zq", "name": "Zorblat Quintero", "type": "person",
                  "aliases": ["Zorblatt Quintero"]}  # fmt: skip
        custom.write_text(json.dumps(header) + "\n" + json.dumps(entity) + "\n", encoding="utf-8")
        os.chmod(folder, 0o755)
        os.chmod(custom, 0o644)
        env = {
            "NORMALIZER_GAZETTEER": "default,/gazetteer/custom.jsonl",
            "NORMALIZER_MAX_BODY_BYTES": "2KiB",
            "NORMALIZER_LOG_FORMAT": "text",
            "NORMALIZER_WORKERS": "1",
        }
        port = run(name, env, f"--volume={folder}:/gazetteer:ro")
        try:
            wait_healthy(name)
            wait_ready(port)
            _, stats = request(port, "GET", "/v1/gazetteer")
            files = [entry["file"] for entry in stats["files"]]
            check("the mounted gazetteer is loaded", "custom.jsonl" in files, files)
            _, answer = request(port, "POST", "/v1/clean", b"Minister Zorblatt Quintero spoke.")
            check("and used", "Zorblat Quintero" in answer["text"], answer["text"])
            check("NORMALIZER_PORT honoured", True, port)
            status, problem = request(port, "POST", "/v1/clean", b"a " * 1500)
            check("NORMALIZER_MAX_BODY_BYTES honoured", status == 413, problem.get("detail"))
            logs = subprocess.run(
                ["docker", "logs", name], capture_output=True, text=True, check=False
            )
            access = [line for line in logs.stderr.splitlines() if "normalizer.access" in line]
            text_lines = bool(access) and not access[-1].startswith("{")
            check("NORMALIZER_LOG_FORMAT=text honoured", text_lines, access[-1:])
        finally:
            docker("rm", "-f", name, check=False)


def main() -> int:
    try:
        with engine():
            build(base_image())
            check_default_container()
            check_configured_container()
    except Skip as reason:
        print(f"image-test SKIPPED: {reason}")
        return 0
    print("image-test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
