"""Helpers for the config tests: app folders with scripts and hand-made ELF binaries."""

import os
import stat
from pathlib import Path

import pytest

X86_64, ARM64, ARM32 = 0x3E, 0xB7, 0x28


def elf_bytes(machine: int, *, big_endian: bool = False) -> bytes:
    """The start of a 64-bit ELF executable: ident, e_type (EXEC), e_machine; padded like a real header."""
    order = "big" if big_endian else "little"
    ident = b"\x7fELF" + bytes([2, 2 if big_endian else 1, 1, 0]) + bytes(8)
    return ident + (2).to_bytes(2, order) + machine.to_bytes(2, order) + bytes(44)


def write(path: Path, content: bytes | str, *, executable: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    mode = path.stat().st_mode
    os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if executable else mode & ~0o111)
    return path


@pytest.fixture
def project(tmp_path):
    """A project folder with app/server.py, an executable script."""
    write(tmp_path / "app" / "server.py", "#!/usr/bin/env python3\nprint('hi')\n", executable=True)
    return tmp_path


@pytest.fixture
def make_elf():
    return elf_bytes


@pytest.fixture
def write_file():
    return write
