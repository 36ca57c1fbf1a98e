"""The routes of the real-server suite as a Flask app (WSGI: run by gunicorn). See routes.md."""

import gzip
import hashlib
import os
import time

from flask import Flask, Response, jsonify, make_response, redirect, request

app = Flask(__name__)
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


@app.route("/echo/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def echo(rest):
    body = request.get_data(cache=True)
    headers = sorted([name.lower(), value] for name, value in request.headers.items()
                     if name.lower().startswith("x-test") or name.lower() in ("cookie", "content-type"))
    return jsonify(method=request.method, target=request.environ.get("RAW_URI"), path=request.path,
                   query=list(request.args.items(multi=True)), form=list(request.form.items(multi=True)),
                   json=request.get_json(silent=True), headers=headers,
                   body={"length": len(body), "sha256": hashlib.sha256(body).hexdigest()})


@app.route("/cookies")
def cookies():
    response = make_response("cookies", 200, {"Content-Type": "text/plain; charset=utf-8"})
    for cookie in ("a=1; Path=/", "b=2; HttpOnly", "c=3; Max-Age=60"):
        response.headers.add("Set-Cookie", cookie)
    response.headers.add("X-Multi", "one")
    response.headers.add("X-Multi", "two")
    return response


@app.route("/binary")
def binary():
    return Response(bytes(range(256)) * 4, content_type="application/octet-stream")


@app.route("/gzip")
def gzipped():
    return Response(gzip.compress(b"hello gzip " * 50, mtime=0), content_type="text/plain",
                    headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})


@app.route("/nothing", methods=["GET", "DELETE"])
def nothing():
    return Response(status=204, headers={"X-Done": "yes"})


@app.route("/cached")
def cached():
    response = make_response("cached body", 200, {"Content-Type": "text/plain", "ETag": '"v1"',
                                                  "Last-Modified": LAST_MODIFIED})
    return response.make_conditional(request)


@app.route("/redirect")
def moved():
    return redirect("/echo/target?from=redirect", 302)


@app.route("/upload", methods=["POST"])
def upload():
    body = request.get_data()
    return jsonify(length=len(body), sha256=hashlib.sha256(body).hexdigest())


@app.route("/chunked")
def chunked():
    def parts():
        for index in range(5):
            yield f"part {index}\n".encode()
    return Response(parts(), content_type="text/plain")


@app.route("/slow")
def slow():
    def parts():
        yield b"slow "
        time.sleep(0.05)
        yield b"answer"
    return Response(parts(), content_type="text/plain")


@app.route("/unicode")
def unicode():
    return Response("h\u00e9llo \u2713 \u03bb", content_type="text/plain; charset=utf-8")


@app.route("/crash-after-log", methods=["POST"])
def crash_after_log():
    # Acts on the POST (one line per run), then dies without answering: a replay would log twice.
    with open(os.environ["CRASH_LOG"], "a") as log:
        log.write("ran\n")
    os._exit(1)
