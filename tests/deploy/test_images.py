"""The Dockerfile, read statically (no Docker engine here): one image per component, built the
way the style guide asks, and each holding every module its service imports."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.deploy import imports
from tests.deploy.dockerfile import Dockerfile, Stage, dockerignore_patterns, ignored, parse
from tests.deploy.tools import ROOT

DOCKERFILE = ROOT / "Dockerfile"
HEALTHCHECK_SCRIPT = ROOT / "deploy" / "docker" / "healthcheck.py"
# Final image -> (entry module, ports it serves).
TARGETS = {
    "gateway": ("services.gateway", {8001}),
    "router": ("services.router", {50051, 9101}),
    "health": ("services.health", {50052, 9102}),
    "benchmark": ("services.benchmark", {50053, 9103}),
    "simulator": ("simulator", {8090}),
}
# Left out of the images (uv sync --no-install-package): protoc and what only it needs.
BUILD_ONLY = {"grpcio-tools", "setuptools"}
BUILD_TOOLS = re.compile(r"\b(apt-get|apk|gcc|g\+\+|make|build-essential|pip|uv|curl|wget)\b")


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return parse(DOCKERFILE)


def _copied_paths(dockerfile: Dockerfile, target: str) -> list[str]:
    """Repository paths a final image holds: COPY --from=code /app/<path> in its chain."""
    paths = []
    for stage in dockerfile.chain(target):
        for copy in stage.all("COPY"):
            if copy.flags().get("from") == "code":
                source = copy.words()[0]
                paths.append(source.removeprefix("/app/"))
    return paths


def _final_chain(dockerfile: Dockerfile, target: str) -> list[Stage]:
    return dockerfile.chain(target)


def test_every_component_has_a_final_image_built_in_several_stages(
    dockerfile: Dockerfile,
) -> None:
    assert set(TARGETS) <= set(dockerfile.stages)
    assert len(dockerfile.stages) >= 3
    for target in TARGETS:
        assert len(dockerfile.chain(target)) >= 2, f"{target} is not built on a shared stage"


def test_dependencies_have_their_own_layer_before_the_code(dockerfile: Dockerfile) -> None:
    copies = dockerfile.stages["uv"].all("COPY")
    assert [c.words()[:-1] for c in copies] == [["pyproject.toml", "uv.lock"]], (
        "the dependency stages must copy only the lock files, so code changes reuse their layers"
    )
    for target in TARGETS:
        deps = dockerfile.stages[f"deps-{target}"]
        assert deps.base == "uv", f"deps-{target} is not built on the shared uv stage"
        sync = next(r.arguments for r in deps.all("RUN") if "uv sync" in r.arguments)
        assert "--frozen" in sync and "--no-dev" in sync and "--no-install-project" in sync
        assert f"--extra {target}" in sync and sync.count("--extra") == 1, (
            f"{target}: its image installs its own extra only"
        )
        for package in BUILD_ONLY:
            assert f"--no-install-package {package}" in sync
        venv = [
            c
            for s in dockerfile.chain(target)
            for c in s.all("COPY")
            if str(c.flags().get("from", "")).startswith("deps")
        ]
        assert [(c.flags()["from"], c.words()) for c in venv] == [
            (f"deps-{target}", ["/opt/venv", "/opt/venv"])
        ], target


def test_no_image_holds_the_tooling(dockerfile: Dockerfile) -> None:
    """The CLI, the launcher, evaluation and training (tooling/) are for development only."""
    copied = [c.words()[0] for c in dockerfile.stages["code"].all("COPY")]
    assert "tooling" not in copied and all(not c.startswith("tooling") for c in copied)
    for target in TARGETS:
        module, _ = TARGETS[target]
        files, _ = imports.closure(ROOT, f"{module}.__main__")
        reached = sorted(f.relative_to(ROOT).as_posix() for f in files)
        assert not [f for f in reached if f.startswith("tooling/")], f"{target} imports tooling"


@pytest.mark.parametrize("target", TARGETS)
def test_the_image_runs_as_a_numeric_non_root_user(dockerfile: Dockerfile, target: str) -> None:
    users = [u.arguments for s in _final_chain(dockerfile, target) for u in s.all("USER")]
    assert users, f"{target}: no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0, f"{target}: USER {users[-1]} is not a numeric non-root"
    assert not gid or (gid.isdigit() and int(gid) > 0)


@pytest.mark.parametrize("target", TARGETS)
def test_the_final_stages_hold_no_build_tools(dockerfile: Dockerfile, target: str) -> None:
    base = dockerfile.base_image(target)
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), f"{target}: base {base}"
    for stage in _final_chain(dockerfile, target):
        for run in stage.all("RUN"):
            assert not BUILD_TOOLS.search(run.arguments), f"{target}: RUN {run.arguments}"
        for copy in stage.all("COPY"):
            allowed = (
                None,
                f"deps-{target}",
                "code",
                *(("sandbox",) if target == "benchmark" else ()),
            )
            assert copy.flags().get("from") in allowed, copy.arguments


def test_the_benchmark_image_holds_bubblewrap_for_its_code_sandbox(dockerfile: Dockerfile) -> None:
    """services/benchmark/isolation.py runs every code test in bwrap; without it the tests
    are not gradable. Installed in its own stage, copied in: no apt-get in a final image."""
    [install] = dockerfile.stages["sandbox"].all("RUN")
    assert "apt-get install" in install.arguments and "bubblewrap" in install.arguments
    copies = [c.words() for c in dockerfile.stages["benchmark"].all("COPY")]
    assert ["/out/usr", "/usr"] in copies


@pytest.mark.parametrize("target", TARGETS)
def test_the_image_declares_its_ports_health_check_and_command(
    dockerfile: Dockerfile, target: str
) -> None:
    stage = dockerfile.stages[target]
    module, ports = TARGETS[target]
    exposed = {int(p) for e in stage.all("EXPOSE") for p in e.words()}
    assert exposed == ports
    [healthcheck] = stage.all("HEALTHCHECK")
    kind = "http" if target in ("gateway", "simulator") else "grpc"
    assert healthcheck.arguments.endswith(f'CMD ["masterx-healthcheck", "{kind}", "{target}"]')
    [cmd] = stage.all("CMD")
    assert cmd.arguments == f'["python", "-m", "{module}"]'


@pytest.mark.parametrize("target", TARGETS)
def test_the_image_holds_every_module_its_service_imports(
    dockerfile: Dockerfile, target: str
) -> None:
    module, _ = TARGETS[target]
    files, external = imports.closure(ROOT, f"{module}.__main__")
    copied = _copied_paths(dockerfile, target)
    for path in sorted(files):
        relative = path.relative_to(ROOT).as_posix()
        assert any(relative == c or relative.startswith(c.rstrip("/") + "/") for c in copied), (
            f"{target} imports {relative}, which its image does not copy ({copied})"
        )
    installed = imports.locked_runtime_distributions(
        ROOT / "uv.lock", "masterx-router", BUILD_ONLY, extras=(target,)
    )
    for name in sorted(external):
        providers = imports.distributions_of(name)
        if providers:
            assert providers & installed, f"{target} imports {name}, not in the image ({providers})"


def test_a_service_image_holds_no_other_service(dockerfile: Dockerfile) -> None:
    for target in ("gateway", "router", "health", "benchmark"):
        services = {
            p.split("/")[1]
            for p in _copied_paths(dockerfile, target)
            if p.startswith("services/") and p.count("/") >= 1 and "." not in p
        }
        assert services == {target}, f"{target} image copies services {services}"


def test_the_build_context_holds_what_the_dockerfile_copies(dockerfile: Dockerfile) -> None:
    patterns = dockerignore_patterns(ROOT / ".dockerignore")
    sources = [
        c.words()[:-1]
        for s in dockerfile.stages.values()
        for c in s.all("COPY")
        if "from" not in c.flags()
    ]
    for group in sources:
        for source in group:
            assert (ROOT / source).exists(), source
            assert not ignored(source.rstrip("/"), patterns), f".dockerignore leaves out {source}"
    # ... and not what no image needs.
    for path in (
        ".venv/bin/python",
        ".git/HEAD",
        ".stack/logs",
        "tests/conftest.py",
        "services/router/__pycache__/x.pyc",
        "services/router/detection/data/x.jsonl",
    ):
        assert ignored(path, patterns), f"{path} would be sent to the build"
    model = "services/router/detection/model/manifest.json"
    assert not ignored(model, patterns), "the router's trained model must reach its image"


def test_the_health_check_script_refuses_bad_arguments_and_a_closed_port() -> None:
    def run(*args: str, env: dict[str, str] | None = None) -> int:
        return subprocess.run(
            [sys.executable, str(HEALTHCHECK_SCRIPT), *args],
            capture_output=True,
            env=env,
            timeout=20,
            check=False,
        ).returncode

    assert run("grpc", "gateway") == 2
    assert run("tcp", "router") == 2
    assert run("http", "gateway", env={"MASTERX_GATEWAY_PORT": "1", "PATH": "/usr/bin"}) == 1
    assert run("grpc", "router", env={"MASTERX_ROUTER_GRPC_PORT": "1", "PATH": "/usr/bin"}) == 1
