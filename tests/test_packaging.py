"""A built wheel carries its lexicons and finds them without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_finds_its_lexicons(tmp_path):
    pytest.importorskip("hatchling")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    wheel = next(dist.glob("cxtext-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "cxtext/lexicons/factors.tsv" in names and "cxtext/lexicons/sentiment.tsv" in names
    assert "cxtext/templates/report.html.j2" in names and "cxtext/templates/strings.yaml" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import cxtext, importlib.resources as r; "
        "assert str(r.files('cxtext')).startswith(%r), r.files('cxtext'); "
        "d = cxtext.Analyzer().analyze('价格不贵，服务很好'); "
        "print(sorted(d.factors))" % str(site)
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CXTEXT_LEXICONS", "CXTEXT_TEMPLATES")}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "price" in out.stdout and "service" in out.stdout
