"""When the machine refuses a write, the error names the user's file, never our temporary one."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from excerpta.disk import write_temp
from excerpta.output import OutputSink

from paths import EXAMPLES


def test_a_file_that_cannot_be_made_is_named_as_the_user_asked_for_it(tmp_path):
    target = tmp_path / "missing" / "x.json"
    with pytest.raises(FileNotFoundError) as err:
        write_temp(target, [b"{}"])
    assert err.value.filename == str(target)
    assert err.value.strerror == "No such file or directory (writing it)"


# A file size limit refuses os.write the way a full disk does (EFBIG rather than ENOSPC), and
# CPython ignores SIGXFSZ, so the write fails instead of killing the process.
_WRITE_PAST_A_SIZE_LIMIT = """
import resource, sys
from pathlib import Path
from excerpta.disk import write_temp
target = Path(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
try:
    write_temp(target, [b"x" * 600, b"y" * 600])
except OSError as err:
    print(err.errno, err.filename, err.strerror, sep="|")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
def test_a_write_the_disk_refuses_names_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "x.json"
    src = Path(__file__).parents[1] / "src"
    result = subprocess.run([sys.executable, "-c", _WRITE_PAST_A_SIZE_LIMIT, target],
                            capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(src)})
    code, filename, strerror = result.stdout.strip().split("|")
    assert int(code) == errno.EFBIG
    assert filename == str(target)
    assert strerror.endswith("(writing it)")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_made_where_a_file_was_to_go_is_named_when_replacing_fails(tmp_path, state):
    sink = OutputSink(tmp_path, "job", "json", manifest=state)
    assert sink.write("b.md", b"new note").action == "create"
    (tmp_path / "b.md").mkdir()  # someone made a folder there while the run wrote
    with pytest.raises(IsADirectoryError) as err:
        sink.finish()
    assert err.value.filename == str(tmp_path / "b.md")
    assert err.value.strerror == "Is a directory (replacing it)"
    assert list(tmp_path.rglob(".*.tmp")) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_in_a_folder_that_takes_no_files_is_one_line_naming_it(run_cli):
    result = run_cli("convert", EXAMPLES / "library.json", "--to", "json", "--out", "/proc/x.json")
    assert result.exit_code == 74
    assert result.output == "excerpta: error: /proc/x.json: No such file or directory (writing it)\n"
