"""open_store(): the environment picks the backend; bad settings give one line without secrets."""

from __future__ import annotations

import pytest

from dashboard.classroom.errors import StoreConfigError, StoreError
from dashboard.classroom.store import ClassStore, open_store

from .pg import free_port


def test_default_is_sqlite_in_dot_data_of_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_store({}) as store:
        assert store.backend == "sqlite"
        store.create_session("taper")
    assert (tmp_path / ".data" / "classroom.sqlite3").is_file()
    assert (tmp_path / ".data" / ".gitignore").read_text().splitlines()[-1] == "*"  # never committed


def test_classroom_data_dir(tmp_path):
    folder = tmp_path / "poll" / "data"
    with open_store({"CLASSROOM_DATA_DIR": str(folder)}) as store:
        code, _ = store.create_session("taper")
    with ClassStore.sqlite(folder / "classroom.sqlite3") as again:
        assert again.get_session(code) is not None


def test_an_existing_data_dir_is_used_as_it_is(tmp_path):
    with open_store({"CLASSROOM_DATA_DIR": str(tmp_path)}):
        pass
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("classroom.sqlite3")) == []


def test_an_unusable_data_dir_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreConfigError, match="CLASSROOM_DATA_DIR"):
        open_store({"CLASSROOM_DATA_DIR": str(blocker / "sub")})


def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it():
    with pytest.raises(StoreConfigError, match="postgresql://") as err:
        open_store({"CLASSROOM_DATABASE_URL": "mysql://user:hunter2@db/x"})
    assert "hunter2" not in str(err.value)


def test_an_unreachable_postgresql_is_a_store_error_without_the_password():
    url = f"postgresql://user:hunter2@127.0.0.1:{free_port()}/x"
    with pytest.raises(StoreError, match="not available") as err:
        open_store({"CLASSROOM_DATABASE_URL": url})
    assert "hunter2" not in str(err.value)


def test_classroom_database_url_selects_postgresql(pg_cluster, tmp_path):
    with open_store({"CLASSROOM_DATABASE_URL": pg_cluster.url(), "CLASSROOM_DATA_DIR": str(tmp_path)}) as store:
        assert store.backend == "postgresql"
        assert "hunter2" not in repr(store)
        code, secret = store.create_session("taper")
        assert store.reveal(code, secret).revealed
    assert list(tmp_path.iterdir()) == []  # no SQLite file beside it
