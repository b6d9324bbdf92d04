import hashlib
import os

from orchestration.warehouse import duck, raw_store


def _land(folder, name, data: bytes):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_registers_each_content_once_with_an_immutable_copy(tmp_path):
    landing, raw, wh = tmp_path / "landing", tmp_path / "raw", tmp_path / "wh" / "warehouse.duckdb"
    _land(landing, "a.txt", "报告一".encode())
    _land(landing, "sub/copy-of-a.txt", "报告一".encode())  # same bytes, other name
    _land(landing, "b.html", b"<p>b</p>")
    _land(landing, ".DS_Store", b"litter")
    with duck.connect(wh) as con:
        duck.ensure_staging_schema(con)
        first = raw_store.register_landed_files(con, landing, raw)
        second = raw_store.register_landed_files(con, landing, raw)
        rows = con.execute(
            "select file_name, size_bytes, extension, raw_path from ingest.report_files order by file_name"
        ).fetchall()

    assert len(first.new) == 2 and first.total_registered == 2
    assert len(first.already_known) == 1  # the duplicate content under another name
    assert second.new == [] and second.total_registered == 2 and len(second.already_known) == 3
    assert [(r[0], r[1], r[2]) for r in rows] == [("a.txt", len("报告一".encode()), "txt"), ("b.html", 8, "html")]
    digest = hashlib.sha256("报告一".encode()).hexdigest()
    stored = raw / digest[:2] / f"{digest}.txt"
    assert stored.read_bytes() == "报告一".encode()
    assert not os.access(stored, os.W_OK) or os.geteuid() == 0  # read-only mode bits
    assert oct(stored.stat().st_mode & 0o777) == "0o444"


def test_missing_landing_folder_registers_nothing(tmp_path):
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        outcome = raw_store.register_landed_files(con, tmp_path / "nowhere", tmp_path / "raw")
    assert outcome.new == [] and outcome.total_registered == 0


def _register(con, tmp_path):
    return raw_store.register_landed_files(con, tmp_path / "landing", tmp_path / "raw")


def test_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    _land(tmp_path / "landing", "a.txt", "报告一".encode())
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        _register(con, tmp_path)
        reads = []
        monkeypatch.setattr(raw_store, "_hash_and_keep", lambda f, raw_dir, known: reads.append(f) or "never used")
        second = _register(con, tmp_path)
    assert reads == [] and second.new == [] and len(second.already_known) == 1


def test_a_touched_but_unchanged_file_is_hashed_again_but_not_registered_again(tmp_path):
    path = _land(tmp_path / "landing", "a.txt", "报告一".encode())
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        _register(con, tmp_path)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
        second = _register(con, tmp_path)
        [(mtime,)] = con.execute("select mtime_ns from ingest.landed_files").fetchall()
    assert second.new == [] and second.total_registered == 1
    assert mtime == path.stat().st_mtime_ns  # the cache follows the file


def test_a_file_rewritten_under_the_same_name_is_registered_as_new_content(tmp_path):
    path = _land(tmp_path / "landing", "a.txt", "报告一".encode())
    with duck.connect(tmp_path / "warehouse.duckdb") as con:
        duck.ensure_staging_schema(con)
        _register(con, tmp_path)
        stat = path.stat()
        path.write_bytes("报告二".encode())  # same size: only the mtime tells
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
        second = _register(con, tmp_path)
    assert [f.sha256 for f in second.new] == [hashlib.sha256("报告二".encode()).hexdigest()]
    assert second.total_registered == 2
