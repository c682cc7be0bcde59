"""The deployment files (issue 18): compose.yaml, infra/nginx and infra/k8s parse and say what
the scale-out needs: roles per process, take signalling hashed onto media instances, a spool
per media instance, workers on SAQ, nginx's own check of its config where nginx is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NGINX = ROOT / "infra" / "nginx" / "nginx.conf"


def _k8s() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((ROOT / "infra" / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _one(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}"
    return found[0]


def _args(workload: dict[str, Any]) -> list[str]:
    return list(workload["spec"]["template"]["spec"]["containers"][0]["args"])


def test_compose_runs_each_role_behind_nginx_and_scales() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["api"]["command"][:4] == ["viva", "serve", "--role", "api"]
    assert services["media"]["command"][:4] == ["viva", "serve", "--role", "media"]
    assert services["worker"]["command"] == ["viva", "worker"]
    assert services["proxy"]["image"].startswith("nginx")
    assert "./infra/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    # only the proxy publishes HTTP; scaled services must not pin host ports or names
    for name in ("api", "media", "worker"):
        assert "ports" not in services[name] and "container_name" not in services[name], name
    # one spool per media replica (anonymous volume), never one shared named volume
    assert services["media"]["volumes"] == ["/data"]
    env = compose["x-viva-env"]
    assert env["VIVA_JOBS_BACKEND"] == "saq" and env["VIVA_SAQ_URL"].startswith("postgresql://")
    assert env["VIVA_TURN_SECRET"]  # media relays through coturn with time-limited credentials


def _nginx_routing(text: str) -> None:
    assert re.search(r"hash \$viva_candidate_token consistent;", text)
    assert re.search(r'"~\^/api/candidate/\(\?<viva_token>\[\^/\]\+\)/" \$viva_token;', text)
    media_location = re.search(
        r"location ~ \^/api/candidate/\[\^/\]\+/\(takes\|device-check\|uploads\)[^{]*\{([^}]*)\}", text
    )
    assert media_location is not None
    assert "proxy_pass http://viva_media;" in media_location.group(1)
    assert "proxy_next_upstream error timeout" in media_location.group(1)
    assert re.search(r"location / \{[^}]*proxy_pass http://viva_api;", text)


def test_nginx_routes_take_signalling_by_candidate_token() -> None:
    _nginx_routing(NGINX.read_text())


def test_kubernetes_layout_has_a_workload_per_role_and_a_spool_per_media_pod() -> None:
    docs = _k8s()
    assert {d["kind"] for d in docs} >= {"Namespace", "ConfigMap", "Deployment", "StatefulSet", "Service"}
    api = _one(docs, "Deployment", "viva-api")
    assert _args(api)[:4] == ["viva", "serve", "--role", "api"]
    worker = _one(docs, "Deployment", "viva-worker")
    assert _args(worker) == ["viva", "worker"]
    media = _one(docs, "StatefulSet", "viva-media")
    assert _args(media)[:4] == ["viva", "serve", "--role", "media"]
    assert media["spec"]["serviceName"] == "viva-media"
    assert media["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "spool"
    mounts = media["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "spool", "mountPath": "/data"} in mounts
    headless = _one(docs, "Service", "viva-media")
    assert headless["spec"]["clusterIP"] == "None"
    for workload in (api, worker, media):  # selectors match their pods
        labels = workload["spec"]["template"]["metadata"]["labels"]
        assert workload["spec"]["selector"]["matchLabels"].items() <= labels.items()
    env = _one(docs, "ConfigMap", "viva-env")["data"]
    assert env["VIVA_JOBS_BACKEND"] == "saq"
    coturn = _one(docs, "DaemonSet", "viva-coturn")
    assert coturn["spec"]["template"]["spec"]["hostNetwork"] is True
    proxy_conf = _one(docs, "ConfigMap", "viva-proxy")["data"]["nginx.conf"]
    _nginx_routing(proxy_conf)
    replicas = media["spec"]["replicas"]
    for i in range(replicas):  # one upstream line per media pod
        assert f"viva-media-{i}.viva-media.viva.svc.cluster.local:8000 resolve" in proxy_conf


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (infra/dev/setup.sh)")
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    text = (
        NGINX.read_text()
        .replace("server api:8000", "server 127.0.0.1:9")
        .replace("server media:8000", "server 127.0.0.1:9")
    )  # compose's service names do not resolve here
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    run = subprocess.run(
        [
            "nginx",
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(conf),
            "-g",
            f"pid {tmp_path}/nginx.pid; error_log stderr;",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
