"""The suite's guard on AppTest runs (tests/conftest.py) catches a page that crashes after it
has drawn what a test looks at."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def test_a_run_that_ends_in_an_exception_fails_the_test(tmp_path):
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nst.title('A title a test would find')\n"
                      "{}['missing']\n")
    with pytest.raises(pytest.fail.Exception, match="KeyError"):
        AppTest.from_file(str(script)).run()


def test_a_clean_run_passes(tmp_path):
    script = tmp_path / "page.py"
    script.write_text("import streamlit as st\nst.title('Fine')\n")
    assert AppTest.from_file(str(script)).run().title[0].value == "Fine"
