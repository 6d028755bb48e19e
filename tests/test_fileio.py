"""cap_tui.core.fileio.write_atomic: what saving a plan guarantees, checked on real files."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cap_tui.core import fileio
from cap_tui.core.fileio import ChangedOnDisk, SaveError, SaveReport, file_identity, write_atomic

OLD = b'title = "old plan"\n' * 50
NEW = b'title = "new plan, longer than the old one"\n' * 80

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="needs root to chown")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.toml"
    path.write_bytes(OLD)
    path.chmod(0o644)
    return path


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".cap-save." in p.name)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


class Crash(BaseException):
    """Like being killed: not an Exception, so nothing may swallow it."""


def crash_at(where: str) -> Callable[[str], None]:
    """A fault hook that crashes at step `where`."""
    def hook(step: str) -> None:
        if step == where:
            raise Crash(step)
    return hook


# -- the basic promise ------------------------------------------------------------------------

def test_save_replaces_the_bytes_and_reports_the_real_path(plan: Path) -> None:
    report = write_atomic(plan, NEW)
    assert plan.read_bytes() == NEW
    assert report == SaveReport(str(plan), False, 0o644)
    assert temporaries(plan.parent) == []


def test_save_creates_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.toml"
    write_atomic(path, NEW)
    assert path.read_bytes() == NEW


def test_save_report_is_frozen(plan: Path) -> None:
    report = write_atomic(plan, NEW)
    with pytest.raises(AttributeError):
        report.mode = 0o777  # type: ignore[misc]
    assert hash(report) == hash(SaveReport(str(plan), False, 0o644))
    assert "mode=0o644" in repr(report)


def test_fault_hook_is_unset_by_default() -> None:
    assert fileio._fault is None


def test_module_imports_nothing_slow() -> None:
    script = ("import sys, json; import cap_tui.core.fileio; print(json.dumps(sorted(m for m in "
              "('tempfile', 'shutil', 'dataclasses', 'inspect', 'random', 'textual', 'rich', "
              "'tomlkit') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60)
    assert json.loads(out.stdout) == []


# -- symlinks ---------------------------------------------------------------------------------

def test_symlink_is_kept_and_its_target_is_written(plan: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(plan)
    report = write_atomic(link, NEW)
    assert link.is_symlink() and os.readlink(link) == str(plan)
    assert plan.read_bytes() == NEW
    assert report.path == str(plan)


def test_relative_symlink_into_another_folder_is_kept(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "plan.toml"
    target.write_bytes(OLD)
    link = tmp_path / "links" / "plan.toml"
    link.symlink_to(Path("..") / "real" / "plan.toml")
    write_atomic(link, NEW)
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "real", "plan.toml")
    assert target.read_bytes() == NEW
    assert temporaries(tmp_path / "real") == [] and temporaries(tmp_path / "links") == []


def test_chain_of_symlinks_is_kept_and_the_last_target_is_written(plan: Path,
                                                                  tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    second.symlink_to(plan.name)
    first.symlink_to(second.name)
    write_atomic(first, NEW)
    assert first.is_symlink() and second.is_symlink()
    assert os.readlink(first) == "b.toml" and os.readlink(second) == "plan.toml"
    assert plan.read_bytes() == NEW


# -- refusals ---------------------------------------------------------------------------------

def test_read_only_file_is_refused_even_as_root_and_left_unchanged(plan: Path) -> None:
    plan.chmod(0o444)
    with pytest.raises(SaveError) as info:
        write_atomic(plan, NEW)
    message = str(info.value)
    assert str(plan) in message and "read-only" in message and "0444" in message
    assert "chmod u+w" in message
    assert plan.read_bytes() == OLD and mode_of(plan) == 0o444
    assert temporaries(plan.parent) == []


def test_read_only_target_of_a_symlink_is_refused_naming_both(plan: Path,
                                                              tmp_path: Path) -> None:
    plan.chmod(0o444)
    link = tmp_path / "link.toml"
    link.symlink_to(plan)
    with pytest.raises(SaveError, match="read-only") as info:
        write_atomic(link, NEW)
    assert str(link) in str(info.value) and str(plan) in str(info.value)
    assert plan.read_bytes() == OLD and link.is_symlink()


def test_file_others_own_is_refused_for_a_non_root_user(plan: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(SaveError, match="not writable by you") as info:
        write_atomic(plan, NEW)
    assert str(plan) in str(info.value)
    assert plan.read_bytes() == OLD


def test_read_only_folder_is_refused_even_as_root(plan: Path) -> None:
    folder = plan.parent
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError) as info:
            write_atomic(plan, NEW)
        assert str(plan) in str(info.value) and "folder" in str(info.value)
        assert "not writable" in str(info.value)
        assert plan.read_bytes() == OLD
        assert temporaries(folder) == []
    finally:
        folder.chmod(0o755)


def test_missing_folder_is_a_save_error(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="does not exist"):
        write_atomic(tmp_path / "nowhere" / "plan.toml", NEW)


def test_folder_as_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(SaveError, match="is a folder"):
        write_atomic(tmp_path / "dir.toml", NEW)


def test_disk_error_becomes_a_save_error_and_leaves_old_file_and_no_temporary(
        plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(SaveError) as info:
        write_atomic(plan, NEW)
    assert str(plan) in str(info.value) and "No space left" in str(info.value)
    assert "unchanged" in str(info.value)
    assert plan.read_bytes() == OLD
    assert temporaries(plan.parent) == []


# -- keeping what the file was ----------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o640, 0o600, 0o755, 0o664])
def test_mode_is_kept(plan: Path, mode: int) -> None:
    plan.chmod(mode)
    report = write_atomic(plan, NEW)
    assert mode_of(plan) == mode and report.mode == mode


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "fresh.toml"
    report = write_atomic(path, NEW)
    assert mode_of(path) == 0o666 & ~umask == report.mode


def test_deleted_file_is_recreated_with_mode_if_new(plan: Path) -> None:
    plan.chmod(0o640)
    opened_mode = mode_of(plan)
    plan.unlink()
    report = write_atomic(plan, NEW, mode_if_new=opened_mode)
    assert plan.read_bytes() == NEW and mode_of(plan) == 0o640 and report.mode == 0o640


def test_mode_if_new_is_ignored_when_the_file_exists(plan: Path) -> None:
    write_atomic(plan, NEW, mode_if_new=0o600)
    assert mode_of(plan) == 0o644


@needs_root
def test_owner_and_group_are_kept(plan: Path) -> None:
    os.chown(plan, 1000, 1000)
    report = write_atomic(plan, NEW)
    st = plan.stat()
    assert (st.st_uid, st.st_gid) == (1000, 1000)
    assert not report.owner_changed and plan.read_bytes() == NEW


@needs_root
def test_group_is_kept_when_only_the_owner_cannot_be(plan: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    os.chown(plan, 1000, 1000)
    real_fchown = os.fchown

    def fchown(fd: int, uid: int, gid: int) -> None:
        if uid != -1:
            raise PermissionError(errno.EPERM, "not permitted")
        real_fchown(fd, uid, gid)

    monkeypatch.setattr(os, "fchown", fchown)
    report = write_atomic(plan, NEW)
    st = plan.stat()
    assert st.st_gid == 1000 and st.st_uid == os.geteuid()
    assert report.owner_changed and plan.read_bytes() == NEW


@needs_root
def test_set_group_id_bit_survives_the_chown(plan: Path) -> None:
    os.chown(plan, 1000, 1000)
    plan.chmod(0o2755)
    write_atomic(plan, NEW)
    assert mode_of(plan) == 0o2755


# -- hard links -------------------------------------------------------------------------------

def test_hard_link_is_kept_when_breaking_it_is_not_allowed(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    os.link(plan, other)
    report = write_atomic(plan, NEW, allow_break_hardlink=False)
    assert plan.read_bytes() == NEW and other.read_bytes() == NEW
    assert plan.stat().st_ino == other.stat().st_ino and plan.stat().st_nlink == 2
    assert not report.broke_hardlink
    assert temporaries(tmp_path) == []


def test_shorter_bytes_written_in_place_leave_no_old_tail(plan: Path, tmp_path: Path) -> None:
    os.link(plan, tmp_path / "other.toml")
    write_atomic(plan, b"x = 1\n", allow_break_hardlink=False)
    assert (tmp_path / "other.toml").read_bytes() == b"x = 1\n"


def test_in_place_write_still_refuses_a_changed_file(plan: Path, tmp_path: Path) -> None:
    os.link(plan, tmp_path / "other.toml")
    with pytest.raises(ChangedOnDisk):
        write_atomic(plan, NEW, expect=b"something else", allow_break_hardlink=False)
    assert plan.read_bytes() == OLD


def test_in_place_write_is_not_atomic_a_crash_mid_write_leaves_it_partial(
        plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented price of keeping hard links: this is why it is not the default."""
    os.link(plan, tmp_path / "other.toml")
    monkeypatch.setattr(fileio, "_fault", crash_at("mid-write"))
    with pytest.raises(Crash):
        write_atomic(plan, NEW, allow_break_hardlink=False)
    assert plan.read_bytes() == NEW[: len(NEW) // 2]


def test_breaking_a_hard_link_is_reported(plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    os.link(plan, other)
    report = write_atomic(plan, NEW)
    assert report.broke_hardlink
    assert plan.read_bytes() == NEW and other.read_bytes() == OLD


# -- temporary files --------------------------------------------------------------------------

def test_temporary_file_is_named_for_cap_and_this_process(plan: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(fileio, "_fault",
                        lambda step: seen.append(temporaries(plan.parent))
                        if step == "before-rename" else None)
    write_atomic(plan, NEW)
    assert seen == [[f".plan.toml.cap-save.{os.getpid()}.tmp"]]


def test_temporary_name_in_use_is_skipped(plan: Path) -> None:
    taken = plan.parent / f".plan.toml.cap-save.{os.getpid()}.tmp"
    taken.write_bytes(b"another thread's save")
    write_atomic(plan, NEW)
    assert plan.read_bytes() == NEW
    assert taken.read_bytes() == b"another thread's save"


@pytest.mark.parametrize("pid", ["dead", 99_999_999, 2**70])
def test_temporary_left_by_a_killed_cap_is_removed(plan: Path, pid: object) -> None:
    pid = dead_pid() if pid == "dead" else pid
    stale = [plan.parent / f".plan.toml.cap-save.{pid}.tmp",
             plan.parent / f".plan.toml.cap-save.{pid}.3.tmp"]
    for path in stale:
        path.write_bytes(b"half a plan")
    write_atomic(plan, NEW)
    assert temporaries(plan.parent) == []
    assert plan.read_bytes() == NEW


def test_temporary_of_a_live_process_is_kept(plan: Path) -> None:
    live = [plan.parent / f".plan.toml.cap-save.{os.getpid()}.7.tmp",
            plan.parent / f".plan.toml.cap-save.{os.getppid()}.tmp"]
    for path in live:
        path.write_bytes(b"in progress")
    write_atomic(plan, NEW)
    assert all(path.read_bytes() == b"in progress" for path in live)


def test_other_files_that_look_similar_are_kept(plan: Path) -> None:
    dead = dead_pid()
    keep = [plan.parent / f".other.toml.cap-save.{dead}.tmp",
            plan.parent / ".plan.toml.cap-save.notapid.tmp",
            plan.parent / f".plan.toml.cap-save.{dead}.tmp.bak",
            plan.parent / f".plan.toml.{dead}.0.tmp"]
    for path in keep:
        path.write_bytes(b"not ours")
    write_atomic(plan, NEW)
    assert all(path.read_bytes() == b"not ours" for path in keep)


# -- changed on disk --------------------------------------------------------------------------

def test_changed_on_disk_is_refused_and_the_file_left_as_is(plan: Path) -> None:
    plan.write_bytes(b"someone else's edit\n")
    with pytest.raises(ChangedOnDisk) as info:
        write_atomic(plan, NEW, expect=OLD)
    assert isinstance(info.value, SaveError) and str(plan) in str(info.value)
    assert "changed on disk" in str(info.value)
    assert plan.read_bytes() == b"someone else's edit\n"
    assert temporaries(plan.parent) == []


def test_change_made_during_the_save_is_caught_before_the_rename(
        plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def other_program(step: str) -> None:
        if step == "before-rename":
            plan.write_bytes(b"written meanwhile\n")

    monkeypatch.setattr(fileio, "_fault", other_program)
    with pytest.raises(ChangedOnDisk):
        write_atomic(plan, NEW, expect=OLD)
    assert plan.read_bytes() == b"written meanwhile\n"
    assert temporaries(plan.parent) == []


def test_deleted_file_counts_as_changed_when_expect_is_given(plan: Path) -> None:
    plan.unlink()
    with pytest.raises(ChangedOnDisk, match="deleted"):
        write_atomic(plan, NEW, expect=OLD)
    assert not plan.exists()


def test_unchanged_file_is_saved(plan: Path) -> None:
    write_atomic(plan, NEW, expect=OLD)
    assert plan.read_bytes() == NEW


# -- crashes ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("step", "survivor"), [("before-write", OLD), ("mid-write", OLD),
                                                ("before-rename", OLD),
                                                ("before-dir-fsync", NEW)])
def test_crash_at_any_step_leaves_the_old_or_the_new_file_whole_and_no_temporary(
        plan: Path, monkeypatch: pytest.MonkeyPatch, step: str, survivor: bytes) -> None:
    plan.chmod(0o640)
    monkeypatch.setattr(fileio, "_fault", crash_at(step))
    with pytest.raises(Crash):
        write_atomic(plan, NEW)
    assert plan.read_bytes() == survivor
    assert mode_of(plan) == 0o640
    assert temporaries(plan.parent) == []


@pytest.mark.parametrize("step", ["before-write", "mid-write", "before-rename"])
def test_crash_saving_a_new_file_leaves_no_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    monkeypatch.setattr(fileio, "_fault", crash_at(step))
    with pytest.raises(Crash):
        write_atomic(tmp_path / "fresh.toml", NEW)
    assert list(tmp_path.iterdir()) == []


def test_every_step_is_reached_in_order(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []
    monkeypatch.setattr(fileio, "_fault", steps.append)
    write_atomic(plan, NEW)
    assert steps == ["before-write", "mid-write", "before-rename", "before-dir-fsync"]


def test_data_is_fsynced_before_the_rename_and_the_folder_after(
        plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        events.append(("fsync-dir" if stat.S_ISDIR(st.st_mode) else "fsync-file", st.st_ino))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", Path(src).name))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(plan, NEW)
    kinds = [kind for kind, _ in events]
    assert kinds == ["fsync-file", "replace", "fsync-dir"]
    assert events[0][1] == plan.stat().st_ino  # the temporary file became the plan
    assert events[2][1] == plan.parent.stat().st_ino


# -- file_identity ----------------------------------------------------------------------------

def test_file_identity_is_none_for_a_missing_file(tmp_path: Path) -> None:
    assert file_identity(tmp_path / "missing.toml") is None
    (tmp_path / "file").write_bytes(b"")
    assert file_identity(tmp_path / "file" / "below") is None


def test_file_identity_changes_when_the_file_is_saved(plan: Path) -> None:
    st = plan.stat()
    before = file_identity(plan)
    assert before == (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
    write_atomic(plan, NEW)
    assert file_identity(plan) != before
    assert file_identity(plan) == file_identity(plan)


def test_file_identity_follows_symlinks(plan: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(plan)
    assert file_identity(link) == file_identity(plan)


# -- exclusive: a new file only (cap rollover --year, cap import --new) -------------------------

def test_exclusive_writes_a_new_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "next-year.toml"
    write_atomic(target, b"new plan\n", exclusive=True)
    assert target.read_bytes() == b"new plan\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next-year.toml"]


def test_exclusive_refuses_a_file_already_there(tmp_path: Path) -> None:
    target = tmp_path / "next-year.toml"
    target.write_bytes(b"someone's plan\n")
    with pytest.raises(SaveError, match="already exists: not written over"):
        write_atomic(target, b"new plan\n", exclusive=True)
    assert target.read_bytes() == b"someone's plan\n"


def test_exclusive_refuses_a_file_that_appears_while_writing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "next-year.toml"

    def other_program(step: str) -> None:
        if step == "before-rename":
            target.write_bytes(b"written meanwhile\n")

    monkeypatch.setattr(fileio, "_fault", other_program)
    with pytest.raises(SaveError, match="appeared while it was being written"):
        write_atomic(target, b"new plan\n", exclusive=True)
    assert target.read_bytes() == b"written meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next-year.toml"]
