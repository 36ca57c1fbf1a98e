"""The /bin/sh script that starts the app: its command line as the user wrote it, run in the app folder.

A simple command (`./server --port 8080`, `GREETING=hi ./server`) is exec'd, so the app replaces the
shell and gets signals itself. Anything else (`cd www && ../server`, pipelines, `;`) runs as written,
the shell as the app's parent; the shim signals the whole process group, so the app still gets SIGTERM.
No `re` or `shlex`: this runs before the app starts, and their imports would add to every cold start.
"""

# Words that begin a compound command: such a line cannot follow `exec`.
_RESERVED = frozenset(["if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
                       "in", "{", "}", "!", "[[", "]]", "function", "select", "time", "exec"])
_OPERATORS = frozenset(";&|()\n")
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME = _NAME_START + "0123456789"


def script(command: str) -> str:
    """`sh -c` script; $1 is the app directory."""
    start = exec_position(command)
    if start is None:
        return 'cd -- "$1" || exit\n' + command
    return 'cd -- "$1" || exit\n' + command[:start] + "exec " + command[start:]


def exec_position(command: str) -> int | None:
    """Where `exec` goes in a simple command (after its variable assignments); None for anything else."""
    words = _words(command)
    if words is None:
        return None
    for start, word in words:
        if not _is_assignment(word):
            return None if word in _RESERVED else start
    return None  # assignments only: nothing to exec


def _is_assignment(word: str) -> bool:
    name, equals, _ = word.partition("=")
    return bool(equals) and name[:1] in _NAME_START and all(c in _NAME for c in name)


def _words(command: str):
    """[(offset, word as written)] of a line free of unquoted operators; None if it has one."""
    words, start, quote, escaped = [], None, None, False
    for index, char in enumerate(command):
        if escaped:
            escaped = False
        elif quote == "'":
            quote = None if char == "'" else quote
        elif char == "\\":
            escaped = True
        elif quote == '"':
            quote = None if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char in _OPERATORS and not (char == "&" and command[index - 1:index] in ("<", ">")):
            return None  # `2>&1` is a redirection; any other & ; | ( ) or line break is an operator
        elif char in " \t":
            if start is not None:
                words.append((start, command[start:index]))
                start = None
            continue
        if start is None:
            start = index
    if quote is not None or escaped:
        return None
    if start is not None:
        words.append((start, command[start:]))
    return words
