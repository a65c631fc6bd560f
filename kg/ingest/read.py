"""Input paths → decoded Documents, in a deterministic order; unusable files become `Skipped`.

A file is read in one go when small. A larger one is streamed: decoded and reduced to text in pieces
and cut after a page break (else a blank line, else a line end) into parts of about `PART_CHARS`
characters, each its own Document with id `<file id>#char=<start>,<end>` (RFC 5147: the part's
character range in the file's decoded text), so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO, Protocol

from kg.ingest.decode import MARK_ERRORS, MARKS, NotText, decode, replace_marks, sniff_encoding, tolerable
from kg.ingest.html import HtmlText
from kg.model import Document, Skipped

log = logging.getLogger(__name__)

SNIFF_BYTES = 1 << 20
"""Files up to this size are read whole; the first this many bytes of a larger one choose its encoding."""
PART_CHARS = 1 << 20
"""A streamed file is cut at the first page break after this many characters…"""
MAX_PART_CHARS = 4 << 20
"""…or, when none comes before this many, at a blank line, a line end, or here."""
_READ_CHARS = 1 << 18
_PART_MARK = "#char="
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_SAMPLE_BYTES = 1 << 16
SKIP_MARK = "kg_skip"
"""Attribute set on the log record of a skipped file (BuildSummary lists those apart from other warnings)."""


class TextFilter(Protocol):
    """Streaming reduction of decoded text to document text (HTML → visible text; plain text as is)."""

    def feed(self, data: str) -> str: ...

    def close(self) -> str: ...


class _Plain:
    """The filter of plain-text formats: text passes unchanged."""

    def feed(self, data: str) -> str:
        return data

    def close(self) -> str:
        return ""


#: Readers by file extension: a new filter turning the decoded file into document text.
READERS: dict[str, Callable[[], TextFilter]] = {
    ".txt": _Plain,
    ".md": _Plain,
    ".html": HtmlText,
    ".htm": HtmlText,
}


OUTPUT_MARK = ".kg.lock"
"""A folder holding this file is a kg output folder (kg.runtime.lock.LOCK_NAME): never read as input."""


def _folder_symlink(path: Path) -> Path | None:
    """The folder a symlink at `path` leads to, or None when `path` is no symlink to a folder."""
    try:
        return Path(os.path.realpath(path)) if path.is_symlink() and path.is_dir() else None
    except OSError:  # a loop of links, or a name too long: read (and refused) as a file
        return None


def _walk(root: Path, skipped: list[Skipped], out: Path | None = None, follow_links: bool = False) -> list[Path]:
    """Every readable-extension file under `root`, sorted, walked without recursion (any depth).

    A symlinked folder is followed when it leads inside `root` (once: a second way into a folder is a loop)
    or, with `follow_links`, anywhere; else it is skipped. A kg output folder (`out`, or any folder holding
    OUTPUT_MARK) is not read: `out` silently (the build notes it), any other with a skip."""
    found: list[Path] = []
    top = Path(os.path.realpath(root))
    skip_out = _identity(out) if out is not None else None
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            ident = _identity(folder)
        except OSError as exc:
            record_skip(skipped, folder, exc.strerror or str(exc))
            continue
        if ident in seen:
            record_skip(skipped, folder, "symlink loop (folder already read)")
            continue
        seen.add(ident)
        if ident == skip_out and folder is not root:
            log.info("not reading %s: it is the output folder", readable(folder))
            continue
        if os.path.lexists(folder / OUTPUT_MARK):
            record_skip(skipped, folder, f"a kg output folder (holds {OUTPUT_MARK}), not read as input")
            continue
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            record_skip(skipped, folder, exc.strerror or str(exc))
            continue
        folders: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_symlink() and (target := _folder_symlink(path)) is not None:
                if follow_links or target.is_relative_to(top):
                    folders.append(path)
                else:
                    record_skip(skipped, path, f"symlink to a folder outside the input ({readable(target)}); "
                                               "not followed without --follow-links")
            elif path.suffix.lower() in READERS:
                found.append(path)
        stack.extend(reversed(folders))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # bytes of a name that were not UTF-8, kept by Python as lone surrogates
        return False


def _name_part(part: str) -> str:
    if _is_utf8(part):
        return part
    raw = os.fsencode(part)
    for encoding in ("gb18030", "big5"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "backslashreplace")


def readable(path: Path | str) -> str:
    """A path as text that can be written anywhere: a name whose bytes are not UTF-8 (say GBK, from a
    Windows zip) decoded as GB18030 or Big5 when that fits, else with those bytes shown as \\xNN."""
    text = str(path)
    return text if _is_utf8(text) else "/".join(map(_name_part, text.split("/")))


_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}


def record_skip(skipped: list[Skipped], path: Path | str, reason: str) -> None:
    """Log a one-line warning that `path` is skipped and why, and add it to `skipped`."""
    shown = readable(path).translate(_CONTROLS)  # one line, whatever the name holds
    log.warning("skipping %s: %s", shown, reason, extra={SKIP_MARK: True})
    skipped.append(Skipped(shown, reason))


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; NotText for a pipe, socket or device (reading one could block
    or never end). Opened without blocking, so a named pipe with no writer is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise NotText(f"not a regular file ({kind})")
    return os.fdopen(fd, "rb")


def _open_reason(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "broken symlink"
    return exc.strerror or str(exc)


def _warn_replaced(shown: str, count: int, encoding: str) -> None:
    """One warning for a file read with `count` undecodable bytes replaced by U+FFFD."""
    log.warning("%s: %d undecodable byte(s) replaced with U+FFFD (read as %s)", shown.translate(_CONTROLS), count,
                encoding)


def _whole(path: Path, doc_id: str, shown: str, data: bytes) -> Document:
    """A small file's one Document (NotText when it holds no text); a few bad bytes are replaced, with a warning."""
    text, encoding, replaced = decode(data)
    if replaced:
        _warn_replaced(shown, replaced, encoding)
    reader = READERS.get(path.suffix.lower(), _Plain)()
    text = reader.feed(text) + reader.close()
    if not text.strip():
        raise NotText("no text")
    return Document(id=doc_id, path=shown, text=text, encoding=encoding)


def _pieces(file: BinaryIO, encoding: str, reader: TextFilter, failed: list[str], replaced: list[int],
            ) -> Iterator[str]:
    """The document text of a streamed file in pieces. A few bytes that do not decode become U+FFFD (their
    count added to `replaced`); once there are more than `tolerable`, the text ends at the first bad byte
    of that piece and the reason goes to `failed`."""
    text = io.TextIOWrapper(file, encoding=encoding, errors=MARK_ERRORS, newline=None)
    first, done = True, 0
    while chunk := text.read(_READ_CHARS):
        if first:
            chunk, first = chunk.lstrip("\ufeff"), False
        bad = MARKS.search(chunk)
        if bad is not None:
            count = len(MARKS.findall(chunk))
            if not tolerable(sum(replaced) + count, done + len(chunk)):
                failed.append(f"undecodable {encoding} at character {done + bad.start()}; rest of file not read")
                yield reader.feed(replace_marks(chunk[: bad.start()])[0])
                break
            chunk = replace_marks(chunk)[0]
            replaced.append(count)
        done += len(chunk)
        yield reader.feed(chunk)
    yield reader.close()


def _past_ascii(file: BinaryIO, start: int) -> str | None:
    """The encoding of what follows a long ASCII start (which reads as any encoding): sniffed from the first
    non-ASCII byte on (a character's first byte, since all before it are ASCII). None when none follows."""
    file.seek(start)
    while block := file.read(SNIFF_BYTES):
        found = _NON_ASCII.search(block)
        if found is not None:
            file.seek(start + found.start())
            try:
                return sniff_encoding(file.read(_SAMPLE_BYTES))
            except NotText:
                return None
        start += len(block)
    return None


def _cut(buf: str) -> int | None:
    """Where to end the next part of a streamed text held in `buf`, or None to wait for more."""
    if len(buf) < PART_CHARS:
        return None
    at = buf.find("\n\n\n", PART_CHARS, MAX_PART_CHARS)
    if at < 0:
        if len(buf) < MAX_PART_CHARS:
            return None
        at = next((i for i in (buf.find(s, PART_CHARS, MAX_PART_CHARS) for s in ("\n\n", "\n")) if i >= 0), -1)
        if at < 0:
            return MAX_PART_CHARS
    while at < len(buf) and buf[at] == "\n":
        at += 1
    return at


def split_parts(pieces: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(start, text) parts of a text given in pieces, cut by `_cut`; together they are the whole text."""
    buf, start = "", 0
    for piece in pieces:
        buf += piece
        while (cut := _cut(buf)) is not None:
            yield start, buf[:cut]
            start, buf = start + cut, buf[cut:]
    if buf:
        yield start, buf


def _streamed(path: Path, doc_id: str, shown: str, file: BinaryIO, head: bytes, skipped: list[Skipped],
              ) -> Iterator[Document]:
    """The Documents of a file too large to read at once: one, or one per part when it was cut."""
    encoding = sniff_encoding(head)
    if encoding == "utf-8" and head.isascii():
        encoding = _past_ascii(file, len(head)) or encoding
    file.seek(0)
    failed: list[str] = []
    replaced: list[int] = []
    reader = READERS.get(path.suffix.lower(), _Plain)()
    parts = (p for p in split_parts(_pieces(file, encoding, reader, failed, replaced)) if p[1].strip())
    first, second = next(parts, None), next(parts, None)
    if first is None and not failed:
        raise NotText("no text")
    if first is not None and second is None and first[0] == 0:
        yield Document(doc_id, shown, first[1], encoding)
    elif first is not None:
        for start, text in chain((first,), (second,) if second else (), parts):
            yield Document(f"{doc_id}{_PART_MARK}{start},{start + len(text)}", shown, text, encoding)
    if sum(replaced):
        _warn_replaced(shown, sum(replaced), encoding)
    for reason in failed:
        record_skip(skipped, shown, reason)


def source_label(doc: Document) -> str:
    """The file of `doc`, with the part's character range when it is one part of a streamed file."""
    at = doc.id.rfind(_PART_MARK)
    return doc.path + doc.id[at:] if at >= 0 else doc.path


def _load(path: Path, doc_id: str, shown: str, skipped: list[Skipped]) -> Iterator[Document]:
    """Read and decode one file (streamed when large), or record why not."""
    try:
        with _open_regular(path) as file:
            head = file.read(SNIFF_BYTES + 1)
            if len(head) <= SNIFF_BYTES:
                yield _whole(path, doc_id, shown, head)
            else:
                yield from _streamed(path, doc_id, shown, file, head, skipped)
    except OSError as exc:
        record_skip(skipped, shown, _open_reason(path, exc))
    except NotText as exc:
        record_skip(skipped, shown, str(exc))


def escaped(path: Path | str) -> str:
    """A path as text with every byte of its name that is not UTF-8 shown as \\xNN: unlike `readable`, two
    different names never look alike."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def unique_names(names: Sequence[str]) -> list[str]:
    """`readable` of each name, unless that reads like another's: then a name that is not UTF-8 (a GBK name
    beside its UTF-8 twin) is shown `escaped`, with a hash of its bytes if even that is taken. A UTF-8 name is
    always itself, so ids depend only on the names, never on the order they come in."""
    shown = [readable(n) for n in names]
    counts = Counter(shown)
    out = [s if counts[s] == 1 or _is_utf8(n) else escaped(n) for n, s in zip(names, shown, strict=True)]
    counts = Counter(out)
    return [s if counts[s] == 1 or _is_utf8(n) else f"{s}~{hashlib.sha1(os.fsencode(n)).hexdigest()[:8]}"
            for n, s in zip(names, out, strict=True)]


Target = tuple[Path, str, str]
"""(file, document id, the file's path as shown)."""


def _targets(paths: Sequence[Path], skipped: list[Skipped], out: Path | None, follow_links: bool) -> Iterator[Target]:
    """Each input file with its id: relative to the folder given, or the file name (see `unique_names`)."""
    for given in map(Path, paths):
        if given.is_dir():
            files = _walk(given, skipped, out, follow_links)
            ids = unique_names([f.relative_to(given).as_posix() for f in files])
            for f, doc_id in zip(files, ids, strict=True):
                yield f, doc_id, readable(f) if doc_id == readable(f.relative_to(given)) else escaped(f)
        elif given.exists() or given.is_symlink():
            yield given, readable(given.name), readable(given)
        else:
            record_skip(skipped, given, "not found")


def read_documents(paths: Sequence[Path], skipped: list[Skipped], out: Path | None = None,
                   follow_links: bool = False) -> Iterator[Document]:
    """Yield a Document per text file under `paths` (folders recursively, sorted; large files in parts).
    `out` (the output folder) is never read; symlinked folders leading out of an input are read only with
    `follow_links`."""
    used: set[str] = set()
    for path, doc_id, shown in _targets(paths, skipped, out, follow_links):
        if doc_id in used:  # the same name under two inputs: the second is named by its whole path
            doc_id = shown = readable(path.as_posix())
            if doc_id in used:
                doc_id = shown = escaped(path.as_posix())
        for doc in _load(path, doc_id, shown, skipped):
            used.add(doc_id)
            yield doc
