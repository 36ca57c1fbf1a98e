"""The routes of the real-server suite as a FastAPI app (ASGI: run by uvicorn). Same routes as flask_app.py."""

import asyncio
import gzip
import hashlib
import json
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse

app = FastAPI()
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
ECHO_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


@app.api_route("/echo/{rest:path}", methods=ECHO_METHODS)
async def echo(request: Request, rest: str):
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    query = request.scope["query_string"].decode()
    headers = sorted([name.decode().lower(), value.decode()] for name, value in request.headers.raw
                     if name.decode().lower().startswith("x-test") or name.decode().lower() in ("cookie", "content-type"))
    return {"method": request.method, "target": request.scope["raw_path"].decode() + ("?" + query if query else ""),
            "path": request.url.path, "query": parse_qsl(query, keep_blank_values=True),
            "form": parse_qsl(body.decode(), keep_blank_values=True) if "urlencoded" in content_type else [],
            "json": json.loads(body) if "json" in content_type else None, "headers": headers,
            "body": {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}}


@app.get("/cookies")
async def cookies():
    response = PlainTextResponse("cookies")
    for cookie in ("a=1; Path=/", "b=2; HttpOnly", "c=3; Max-Age=60"):
        response.headers.append("set-cookie", cookie)
    response.headers.append("x-multi", "one")
    response.headers.append("x-multi", "two")
    return response


@app.api_route("/binary", methods=["GET", "HEAD"])
async def binary():
    return Response(bytes(range(256)) * 4, media_type="application/octet-stream")


@app.get("/gzip")
async def gzipped():
    return Response(gzip.compress(b"hello gzip " * 50, mtime=0), media_type="text/plain",
                    headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})


@app.api_route("/nothing", methods=["GET", "DELETE"])
async def nothing():
    return Response(status_code=204, headers={"X-Done": "yes"})


@app.get("/cached")
async def cached(request: Request):
    validators = {"ETag": '"v1"', "Last-Modified": LAST_MODIFIED}
    since = request.headers.get("if-modified-since")
    if request.headers.get("if-none-match") == '"v1"' or (
            since and parsedate_to_datetime(since) >= parsedate_to_datetime(LAST_MODIFIED)):
        return Response(status_code=304, headers=validators)
    return PlainTextResponse("cached body", headers=validators)


@app.get("/redirect")
async def moved():
    return RedirectResponse("/echo/target?from=redirect", status_code=302)


@app.post("/upload")
async def upload(request: Request):
    body = await request.body()
    return JSONResponse({"length": len(body), "sha256": hashlib.sha256(body).hexdigest()})


@app.get("/chunked")
async def chunked():
    async def parts():
        for index in range(5):
            yield f"part {index}\n".encode()
    return StreamingResponse(parts(), media_type="text/plain")


@app.get("/slow")
async def slow():
    async def parts():
        yield b"slow "
        await asyncio.sleep(0.05)
        yield b"answer"
    return StreamingResponse(parts(), media_type="text/plain")


@app.get("/unicode")
async def unicode():
    return PlainTextResponse("h\u00e9llo \u2713 \u03bb")
