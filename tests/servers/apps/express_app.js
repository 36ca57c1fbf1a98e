// The routes of the real-server suite as an Express app (Node). Same routes as flask_app.py.
"use strict";
const crypto = require("crypto");
const zlib = require("zlib");
const express = require("express");

const app = express();
const LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT";

function rawBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function digest(body) {
  return { length: body.length, sha256: crypto.createHash("sha256").update(body).digest("hex") };
}

app.use("/echo", async (req, res) => {
  const body = await rawBody(req);
  const type = req.get("content-type") || "";
  const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?") + 1) : "";
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (name.startsWith("x-test") || name === "cookie" || name === "content-type") headers.push([name, req.rawHeaders[i + 1]]);
  }
  headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  res.json({
    method: req.method, target: req.originalUrl, path: decodeURIComponent(req.originalUrl.split("?")[0]),
    query: [...new URLSearchParams(query)],
    form: type.includes("urlencoded") ? [...new URLSearchParams(body.toString())] : [],
    json: type.includes("json") ? JSON.parse(body.toString()) : null,
    headers, body: digest(body),
  });
});

app.get("/cookies", (req, res) => {
  res.append("Set-Cookie", ["a=1; Path=/", "b=2; HttpOnly", "c=3; Max-Age=60"]);
  res.append("X-Multi", ["one", "two"]);
  res.type("text/plain").send("cookies");
});

app.get("/binary", (req, res) => {
  const bytes = Buffer.alloc(1024);
  for (let i = 0; i < 1024; i++) bytes[i] = i % 256;
  res.type("application/octet-stream").send(bytes);
});

app.get("/gzip", (req, res) => {
  res.set({ "Content-Encoding": "gzip", Vary: "Accept-Encoding" }).type("text/plain");
  res.send(zlib.gzipSync(Buffer.from("hello gzip ".repeat(50))));
});

app.all("/nothing", (req, res) => res.set("X-Done", "yes").status(204).end());

app.get("/cached", (req, res) => {
  res.set({ ETag: '"v1"', "Last-Modified": LAST_MODIFIED }).type("text/plain").send("cached body");
});

app.get("/redirect", (req, res) => res.redirect(302, "/echo/target?from=redirect"));

app.post("/upload", async (req, res) => res.json(digest(await rawBody(req))));

app.get("/chunked", (req, res) => {
  res.type("text/plain");
  for (let i = 0; i < 5; i++) res.write(`part ${i}\n`);
  res.end();
});

app.get("/slow", (req, res) => {
  res.type("text/plain");
  res.write("slow ");
  setTimeout(() => res.end("answer"), 50);
});

app.get("/unicode", (req, res) => res.type("text/plain; charset=utf-8").send("h\u00e9llo \u2713 \u03bb"));

app.listen(Number(process.env.PORT), "127.0.0.1");
