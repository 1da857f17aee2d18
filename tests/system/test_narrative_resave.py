"""The clerk's document saved again by a real word processor (LibreOffice Writer, as a clerk without
Word would) keeps its marker and reads back with the same parts.

Skipped where ``soffice`` is missing; LibreOffice runs with its own profile in the test's folder.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from pipeline.config import Config
from pipeline.intake.narrative import NarrativeFile, identifier, read_narrative
from pipeline.intake.receive import receive
from pipeline.outputs.docx.narrative import narrative_bytes
from pipeline.year.narrative import draft_narrative
from pipeline.year.stats import statistics
from tests.support.builder import previous_figures, report_consolidation

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
CONVERT_TIMEOUT_S = 180


def test_a_document_saved_again_by_libreoffice_reads_back_the_same(config: Config, tmp_path: Path) -> None:
    data = report_consolidation(config)
    text = draft_narrative(statistics(data, config, previous_figures(config)), data, config)
    issued = tmp_path / "noi-dung-bao-cao-2026.docx"
    issued.write_bytes(narrative_bytes(text, config, 2026))
    profile = (tmp_path / "profile").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML"]
    command += ["--outdir", str(tmp_path / "saved"), str(issued)]
    subprocess.run(command, check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S)
    saved = tmp_path / "saved" / issued.name

    assert saved.read_bytes() != issued.read_bytes()
    assert docx.Document(str(saved)).core_properties.identifier == identifier(2026)
    read = read_narrative(receive(saved, saved.name), 2026)
    assert isinstance(read, NarrativeFile) and read.taken and read.findings == ()
    assert read.text == text
