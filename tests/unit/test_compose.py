"""docker-compose.yml cannot run here (no Docker engine); check it agrees with the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from skilleval_shared import topics

REPO = Path(__file__).resolve().parents[2]
SERVICES = ("filing", "assessment", "certification", "registry", "notification")
PORTS = {
    "filing": 8001,
    "assessment": 8002,
    "certification": 8003,
    "registry": 8004,
    "notification": 8005,
}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_every_service_builds_from_its_own_dockerfile_and_waits_for_healthy_infra():
    services = compose()["services"]
    for name in SERVICES:
        spec = services[name]
        dockerfile = REPO / spec["build"]["dockerfile"]
        assert dockerfile.exists()
        text = dockerfile.read_text()
        assert f"--package skilleval-{name}" in text
        assert f"COPY services/{name} services/{name}" in text
        for dependency in ("kafka", "mongo", "mailpit"):
            assert spec["depends_on"][dependency]["condition"] == "service_healthy"
        assert spec["depends_on"]["topics"]["condition"] == "service_completed_successfully"
        assert spec["environment"]["HTTP_PORT"] == str(PORTS[name])
        assert "healthcheck" in spec


def test_compose_creates_exactly_the_topics_the_code_uses():
    script = compose()["services"]["topics"]["command"][0]
    for name in topics.ALL_TOPICS:
        assert name in script
    assert "--partitions 6" in script


def test_infrastructure_images_match_the_launcher():
    services = compose()["services"]
    launcher = (REPO / "infra" / "launcher.py").read_text()
    kafka_version = services["kafka"]["image"].split(":")[1]
    assert f'KAFKA_VERSION = "{kafka_version}"' in launcher
    assert services["mongo"]["image"] == "mongo:8"
    mailpit_version = services["mailpit"]["image"].split(":")[1]
    assert services["mailpit"]["image"].startswith("axllent/mailpit:")
    assert f'MAILPIT_VERSION = "{mailpit_version}"' in launcher
    # The testcontainers path runs the same images.
    infra = (REPO / "tests" / "support" / "infra.py").read_text()
    for image in (
        services["kafka"]["image"],
        services["mongo"]["image"],
        services["mailpit"]["image"],
    ):
        assert f'"{image}"' in infra
