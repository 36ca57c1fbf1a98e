"""The requests every framework server answers (apps/ implement the same routes), and the file-server ones."""

from servers_compare import Request

UPLOAD = bytes(range(256)) * (3 * 1024 * 1024 // 256)  # 3 MB, every byte value

FRAMEWORK_CASES = {
    "several set-cookie and a repeated header": Request("GET", "/cookies"),
    "binary body": Request("GET", "/binary"),
    "gzip body": Request("GET", "/gzip", (("Accept-Encoding", "gzip"),)),
    "head": Request("HEAD", "/binary"),
    "204": Request("DELETE", "/nothing"),
    "200 with validators": Request("GET", "/cached"),
    "304 for if-none-match": Request("GET", "/cached", (("If-None-Match", '"v1"'),)),
    "304 for if-modified-since": Request("GET", "/cached", (("If-Modified-Since", "Wed, 21 Oct 2015 07:28:00 GMT"),)),
    "redirect": Request("GET", "/redirect"),
    "unicode path": Request("GET", "/echo/caf%C3%A9/%E2%9C%93"),
    "encoded slash in path": Request("GET", "/echo/a%2Fb/c"),
    "repeated query keys": Request("GET", "/echo/q?x=1&x=2&y=caf%C3%A9&empty="),
    "repeated headers and cookies": Request("GET", "/echo/h", (("X-Test-Rep", "one"), ("X-Test-Rep", "two"),
                                                               ("Cookie", "a=1; b=2"))),
    "form post": Request("POST", "/echo/form", (("Content-Type", "application/x-www-form-urlencoded"),),
                         b"a=1&a=2&b=caf%C3%A9"),
    "json post": Request("POST", "/echo/json", (("Content-Type", "application/json"),),
                         '{"k": [1, "\u03bb"]}'.encode()),
    "3 MB upload": Request("POST", "/upload", (("Content-Type", "application/octet-stream"),), UPLOAD),
    "chunked response": Request("GET", "/chunked"),
    "slow response": Request("GET", "/slow"),
    "unicode body": Request("GET", "/unicode"),
    "not found": Request("GET", "/missing"),
}
