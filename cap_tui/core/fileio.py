"""Saving a plan without ever losing it: atomic replace that keeps what the file was.

`write_atomic` writes the new bytes to a temporary file beside the plan, fsyncs it, gives it
the old file's mode and owner, renames it over the plan and fsyncs the folder, so a crash at
any moment leaves either the old plan whole or the new plan whole. On top of that it:

* writes through symlinks to the real file and keeps the link;
* refuses read-only files (even as root, like editors do) and read-only folders;
* recreates a file deleted while open with the mode it had (`mode_if_new`);
* keeps hard links when asked (writing in place, which is not atomic) or reports breaking them;
* refuses to overwrite a file that changed on disk since the caller read it (`expect`);
* names its temporary files `.{name}.cap-save.{pid}.tmp` and removes the ones left by a cap
  that was killed mid-save.

Standard library only, and nothing slow to import: `cap set` imports this on every run.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ChangedOnDisk", "SaveError", "SaveReport", "file_identity", "write_atomic"]

# Fault injection for tests: called with "before-write", "mid-write", "before-rename" and
# "before-dir-fsync" when set. Tests make it raise to simulate a crash at that step.
_fault: Callable[[str], None] | None = None

_TMP_MARK = ".cap-save."
_TMP_END = ".tmp"
_DEFAULT_NEW_MODE = 0o644  # when the umask cannot be read without changing it


class SaveError(Exception):
    """The plan could not be saved. The message is for the user: it names the file and says
    what is wrong and what to do. The file on disk is left as it was."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ChangedOnDisk(SaveError):
    """The file on disk is not what the caller read, so saving would lose someone's changes."""


class SaveReport:
    """What `write_atomic` did. Frozen; a hand-made dataclass (dataclasses imports inspect).

    path: the real file written (symlinks resolved). broke_hardlink: the file had other hard
    links and now no longer shares its contents with them. mode: the permission bits it has.
    owner_changed: its owner or group could not be kept (not permitted), so they are ours now.
    """

    __slots__ = ("broke_hardlink", "mode", "owner_changed", "path")

    path: str
    broke_hardlink: bool
    mode: int
    owner_changed: bool

    def __init__(self, path: str, broke_hardlink: bool, mode: int,
                 owner_changed: bool = False) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "broke_hardlink", broke_hardlink)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "owner_changed", owner_changed)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SaveReport is frozen: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"SaveReport is frozen: cannot delete {name}")

    def _key(self) -> tuple[str, bool, int, bool]:
        return (self.path, self.broke_hardlink, self.mode, self.owner_changed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SaveReport):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"SaveReport(path={self.path!r}, broke_hardlink={self.broke_hardlink!r}, "
                f"mode=0o{self.mode:o}, owner_changed={self.owner_changed!r})")


def file_identity(path: str | os.PathLike[str]) -> tuple[int, int, int, int] | None:
    """(st_dev, st_ino, st_mtime_ns, st_size) of the file `path` names (through symlinks), or
    None when there is no such file. Two equal identities mean "very probably unchanged"."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def write_atomic(target: str | os.PathLike[str], data: bytes, *, expect: bytes | None = None,
                 mode_if_new: int | None = None,
                 allow_break_hardlink: bool = True, exclusive: bool = False) -> SaveReport:
    """Replace the file `target` with `data` so that a crash leaves the old or the new file.

    expect: the bytes the caller believes are on disk; if the file holds anything else (or was
        deleted) just before the rename, raise ChangedOnDisk and change nothing. Pass None to
        skip the check (a new file, or one the caller knows was deleted).
    mode_if_new: permission bits for a file that does not exist (e.g. the mode it had when it
        was opened, before someone deleted it); default 0o666 less the umask.
    allow_break_hardlink: when the file has other hard links, True replaces it atomically (the
        other names keep the old contents; the report says broke_hardlink) and False rewrites
        it in place, keeping the links but not atomic: a crash mid-write leaves it partial.
    exclusive: a new file only: if `target` exists (or appears while writing), raise SaveError
        and change nothing. The finished temporary file is linked into place (os.link fails if
        the name is taken), so two writers can never both create it.

    Raises SaveError (with a message for the user) when it cannot save; the file is unchanged.
    """
    shown = os.fspath(target)
    real = os.path.realpath(shown)
    if os.path.islink(shown):
        shown = f"{shown} (a link to {real})"
    folder = os.path.dirname(real)

    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _os_error(shown, "could not read the file's details", exc) from exc

    if st is not None and exclusive:
        raise SaveError(f"{shown} already exists: not written over.", path=real)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise SaveError(f"{shown} is a folder, not a file: not saved.", path=real)
        if not stat.S_ISREG(st.st_mode):
            raise SaveError(f"{shown} is not a regular file: not saved. Save as another file.",
                            path=real)
        _check_writable_file(shown, real, st)
        mode = stat.S_IMODE(st.st_mode)
        if st.st_nlink > 1 and not allow_break_hardlink:
            _write_in_place(shown, real, data, expect)
            return SaveReport(real, False, mode)
    else:
        mode = mode_if_new if mode_if_new is not None else 0o666 & ~_umask()
    _check_writable_folder(shown, folder)

    _remove_stale_temporaries(folder, os.path.basename(real))
    fd, tmp = _temporary_beside(shown, folder, os.path.basename(real))
    renamed = False
    owner_changed = False
    try:
        try:
            _write_synced(fd, data)
            if st is not None:
                owner_changed = _keep_owner(fd, st)
            os.fchmod(fd, mode)  # after chown, which may clear set-id bits
        finally:
            os.close(fd)
        if _fault is not None:
            _fault("before-rename")
        if expect is not None:
            _check_unchanged(shown, real, expect)
        if exclusive:
            _link_new(shown, tmp, real)
        else:
            os.replace(tmp, real)
        renamed = True
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _os_error(shown, "could not write it", exc) from exc
    except BaseException:
        if not renamed:
            _unlink_quietly(tmp)
        raise
    if _fault is not None:
        _fault("before-dir-fsync")
    _fsync_folder(folder)
    return SaveReport(real, st is not None and st.st_nlink > 1, mode, owner_changed)


def _link_new(shown: str, tmp: str, real: str) -> None:
    """Put the finished temporary file at `real`, which must not exist: a hard link, which the
    system refuses when the name is taken, then the temporary name removed."""
    try:
        os.link(tmp, real)
    except FileExistsError:
        _unlink_quietly(tmp)
        raise SaveError(f"{shown} appeared while it was being written: not written over.",
                        path=real) from None
    _unlink_quietly(tmp)


# -- checks -----------------------------------------------------------------------------------

def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def _can_write(path: str) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, os.W_OK, effective_ids=True)
    return os.access(path, os.W_OK)


def _check_writable_file(shown: str, real: str, st: os.stat_result) -> None:
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o222 == 0:
        # Root could write it, but a read-only plan is read-only on purpose: refuse, as
        # editors do, rather than quietly rewrite it.
        raise SaveError(f"{shown} is read-only (mode {mode:04o}): not saved. Make it writable "
                        "(chmod u+w) or save as another file.", path=real)
    if not _can_write(real):
        raise SaveError(f"{shown} is not writable by you (mode {mode:04o}, owner "
                        f"{_user_name(st.st_uid)}): not saved. Save as another file, or ask "
                        "its owner to let you write it.", path=real)


def _check_writable_folder(shown: str, folder: str) -> None:
    try:
        fst = os.stat(folder)
    except FileNotFoundError:
        raise SaveError(f"cannot save {shown}: its folder {folder} does not exist.",
                        path=folder) from None
    except OSError as exc:
        raise _os_error(shown, f"could not read its folder {folder}", exc) from exc
    fmode = stat.S_IMODE(fst.st_mode)
    if (_is_root() and fmode & 0o222 == 0) or not _can_write(folder):
        raise SaveError(f"cannot save {shown}: its folder {folder} is not writable (mode "
                        f"{fmode:04o}), and saving safely makes a new file there. Make the "
                        f"folder writable (chmod u+w {folder}) or save as another file.",
                        path=folder)


def _check_unchanged(shown: str, real: str, expect: bytes) -> None:
    try:
        with open(real, "rb") as f:
            now = f.read()
    except FileNotFoundError:
        raise ChangedOnDisk(f"{shown} was deleted since cap read it: not saved. Save again to "
                            "recreate it, or save as another file.", path=real) from None
    if now != expect:
        raise ChangedOnDisk(f"{shown} was changed on disk by another program since cap read "
                            "it: not saved, so those changes are not lost. Reload it, or save "
                            "as another file.", path=real)


def _user_name(uid: int) -> str:
    try:
        import pwd  # only on this error path, and not on Windows

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _umask() -> int:
    """The process umask, read without setting it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o666 & ~_DEFAULT_NEW_MODE


# -- writing ----------------------------------------------------------------------------------

def _write_synced(fd: int, data: bytes) -> None:
    """Write all of `data` and fsync it, in two halves so that tests can fail a save mid-write
    (the fault hook's "before-write" and "mid-write" steps)."""
    if _fault is not None:
        _fault("before-write")
    half = len(data) // 2
    _write_all(fd, memoryview(data)[:half])
    if _fault is not None:
        _fault("mid-write")
    _write_all(fd, memoryview(data)[half:])
    os.fsync(fd)


def _write_all(fd: int, view: memoryview) -> None:
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_in_place(shown: str, real: str, data: bytes, expect: bytes | None) -> None:
    """Rewrite the existing file itself, so all its hard links see the new bytes. Not atomic."""
    if expect is not None:
        _check_unchanged(shown, real, expect)
    try:
        fd = os.open(real, os.O_WRONLY | os.O_TRUNC)
    except OSError as exc:
        raise _os_error(shown, "could not open it for writing", exc) from exc
    try:
        _write_synced(fd, data)
    except OSError as exc:
        raise SaveError(f"{shown}: writing it failed part way ({exc.strerror or exc}); the "
                        "file may be incomplete. Save again, or save as another file.",
                        path=real) from exc
    finally:
        os.close(fd)


def _keep_owner(fd: int, st: os.stat_result) -> bool:
    """Give the temporary file the old file's owner and group where permitted. True when
    they could not both be kept."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return False
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
        return False
    except PermissionError:
        pass
    if mine.st_gid != st.st_gid:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, st.st_gid)  # allowed when we are in that group
    return True


def _temporary_beside(shown: str, folder: str, name: str) -> tuple[int, str]:
    """A new file `.{name}.cap-save.{pid}[.n].tmp` in `folder`, open for writing, that no
    other process has (like tempfile.mkstemp, without importing tempfile)."""
    stem = os.path.join(folder, f".{name}{_TMP_MARK}{os.getpid()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for n in range(1000):
        tmp = f"{stem}{_TMP_END}" if n == 0 else f"{stem}.{n}{_TMP_END}"
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise _os_error(shown, "could not make a temporary file beside it", exc) from exc
    raise SaveError(f"cannot save {shown}: too many temporary files beside it.", path=folder)


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Remove `.{name}.cap-save.{pid}*.tmp` files whose process is gone: left by a cap that
    was killed mid-save. Files of live processes (and our own) are left alone."""
    if os.name != "posix":  # os.kill(pid, 0) terminates the process on Windows
        return
    prefix = f".{name}{_TMP_MARK}"
    me = os.getpid()
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(_TMP_END)):
            continue
        pid_text = entry[len(prefix):-len(_TMP_END)].split(".", 1)[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid <= 0 or pid == me:
            continue
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, OverflowError):
            _unlink_quietly(os.path.join(folder, entry))
        except OSError:
            continue  # PermissionError: alive, someone else's


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable. Some file systems cannot fsync a folder; that is no error."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _os_error(shown: str, doing: str, exc: OSError) -> SaveError:
    reason = exc.strerror or str(exc)
    return SaveError(f"cannot save {shown}: {doing} ({reason}). The file on disk is unchanged.",
                     path=exc.filename if isinstance(exc.filename, str) else None)
