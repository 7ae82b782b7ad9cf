"""The wheel: one import package, its data files, and the console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from support import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (path,) = out.glob("policykg-*.whl")
    return zipfile.ZipFile(path)


def test_policykg_is_the_only_top_level_package(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"policykg"}


def test_the_wheel_ships_ontology_queries_templates_and_gazetteer(wheel):
    names = set(wheel.namelist())
    assert {
        "policykg/ontology/policykg.ttl", "policykg/ontology/terms.py", "policykg/queries/citations.rq",
        "policykg/queries/trace.rq", "policykg/viz/templates/network.html", "policykg/data/agencies.tsv",
        "policykg/graph_builder/extractors/citations.py", "policykg/cli.py",
    } <= names
    assert not any(name.startswith("policykg/data/documents/") for name in names)


def test_the_console_script_points_at_the_cli(wheel):
    (entry_points,) = [name for name in wheel.namelist() if name.endswith("entry_points.txt")]
    assert "policykg = policykg.cli:main" in wheel.read(entry_points).decode()


def test_importing_policykg_reads_nothing_and_loads_no_rdf_library():
    code = "import sys, policykg, policykg.ontology, policykg.queries; print('rdflib' in sys.modules, 'pyoxigraph' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False False"
