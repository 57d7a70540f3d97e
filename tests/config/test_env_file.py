import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import load_env_file


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("STANCE_TEST_A", "STANCE_TEST_B", "STANCE_TEST_C"):
        monkeypatch.delenv(name, raising=False)


def test_it_reads_names_and_values_skipping_comments(tmp_path, clean_environment):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\n\nSTANCE_TEST_A=1\n STANCE_TEST_B = two words \n")

    load_env_file(env_file)

    assert os.environ["STANCE_TEST_A"] == "1"
    assert os.environ["STANCE_TEST_B"] == "two words"


def test_it_never_overrides_the_real_environment(
    tmp_path, clean_environment, monkeypatch
):
    monkeypatch.setenv("STANCE_TEST_C", "from the environment")
    env_file = tmp_path / ".env"
    env_file.write_text("STANCE_TEST_C=from the file\n")

    load_env_file(env_file)

    assert os.environ["STANCE_TEST_C"] == "from the environment"


def test_it_refuses_a_malformed_line(tmp_path, clean_environment):
    env_file = tmp_path / ".env"
    env_file.write_text("STANCE_TEST_A\n")

    with pytest.raises(ImproperlyConfigured, match="line 1"):
        load_env_file(env_file)


def test_it_does_nothing_without_a_file(tmp_path, clean_environment):
    load_env_file(tmp_path / "missing")

    assert "STANCE_TEST_A" not in os.environ
