"""The zip through S3: with artifactBucket, or past Lambda's 50 MB direct upload (the limit lowered here)."""

import hashlib
import json
from pathlib import Path

import pytest

from skylift import artifact
from skylift.plan.preview import preview

BASE = {"aws:region": "eu-west-1", "command": "./server.py"}
S3_TYPES = ("aws:s3/",)


def run(make_project, **config):
    return preview(make_project({**BASE, **config}), "test")


def s3_children(result) -> list:
    return sorted((r.type, r.name) for r in result.resources if r.type.startswith(S3_TYPES))


def function_of(result):
    return result.get("aws:lambda/function:Function", "web-function")


def uploaded_zip(result) -> tuple[Path, str]:
    """The zip the S3 object uploads, and its key as the test expects it (from the zip's sha256)."""
    source = Path(result.get("aws:s3/bucketObjectv2:BucketObjectv2", "web-code").inputs["source"].path)
    return source, f"web-test/{hashlib.sha256(source.read_bytes()).hexdigest()}.zip"


def test_a_small_app_goes_directly(make_project):
    result = run(make_project)
    assert s3_children(result) == []
    inputs = function_of(result).inputs
    assert "code" in inputs and "s3Bucket" not in inputs and "s3Key" not in inputs


def test_to_the_artifact_bucket_given(make_project):
    result = run(make_project, artifactBucket="acme-artifacts")
    assert s3_children(result) == [("aws:s3/bucketObjectv2:BucketObjectv2", "web-code")]
    uploaded = result.get("aws:s3/bucketObjectv2:BucketObjectv2", "web-code")
    source, key = uploaded_zip(result)
    assert uploaded.inputs == {"bucket": "acme-artifacts", "key": key, "source": uploaded.inputs["source"],
                               "contentType": "application/zip"}
    function = function_of(result)
    assert (function.inputs["s3Bucket"], function.inputs["s3Key"], "code" in function.inputs) == (
        "acme-artifacts", key, False)
    assert "web-code" in function.dependencies


def test_over_the_direct_upload_limit_to_a_private_bucket_of_its_own(make_project, monkeypatch):
    monkeypatch.setattr(artifact, "MAX_ZIPPED_BYTES", 1024)
    result = run(make_project, tags={"team": "payments"})
    assert s3_children(result) == [
        ("aws:s3/bucket:Bucket", "web-artifacts"),
        ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "web-artifacts-lifecycle"),
        ("aws:s3/bucketObjectv2:BucketObjectv2", "web-code"),
        ("aws:s3/bucketPolicy:BucketPolicy", "web-artifacts-policy"),
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "web-artifacts-public-access-block"),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
         "web-artifacts-encryption"),
        ("aws:s3/bucketVersioning:BucketVersioning", "web-artifacts-versioning"),
    ]
    bucket = result.get("aws:s3/bucket:Bucket", "web-artifacts")
    assert bucket.inputs == {"tags": {"team": "payments"}}
    name = function_of(result).inputs["s3Bucket"]
    assert name.startswith("web-artifacts-")

    def inputs(type_, child):
        return result.get(f"aws:s3/{type_}", child).inputs

    assert inputs("bucketPublicAccessBlock:BucketPublicAccessBlock", "web-artifacts-public-access-block") == {
        "bucket": name, "blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True,
        "restrictPublicBuckets": True}
    policy = inputs("bucketPolicy:BucketPolicy", "web-artifacts-policy")
    assert (policy["bucket"], json.loads(policy["policy"])) == (name, {"Version": "2012-10-17", "Statement": [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})
    assert inputs("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                  "web-artifacts-encryption") == {
        "bucket": name, "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}
    assert inputs("bucketVersioning:BucketVersioning", "web-artifacts-versioning") == {
        "bucket": name, "versioningConfiguration": {"status": "Enabled"}}
    assert inputs("bucketLifecycleConfiguration:BucketLifecycleConfiguration", "web-artifacts-lifecycle") == {
        "bucket": name, "rules": [{"id": "expire-replaced-zips", "status": "Enabled", "filter": {"prefix": ""},
                                   "noncurrentVersionExpiration": {"noncurrentDays": 30},
                                   "expiration": {"expiredObjectDeleteMarker": True},
                                   "abortIncompleteMultipartUpload": {"daysAfterInitiation": 1}}]}
    uploaded = result.get("aws:s3/bucketObjectv2:BucketObjectv2", "web-code")
    _, key = uploaded_zip(result)
    assert (uploaded.inputs["bucket"], uploaded.inputs["key"], function_of(result).inputs["s3Key"]) == (name, key, key)
    # The zip goes in only once the bucket is private, TLS-only and encrypted.
    assert {"web-artifacts-public-access-block", "web-artifacts-policy", "web-artifacts-encryption",
            "web-artifacts-versioning", "web-artifacts-lifecycle"} <= set(uploaded.dependencies)


def test_an_unchanged_app_keeps_its_key(make_project, monkeypatch):
    monkeypatch.setattr(artifact, "MAX_ZIPPED_BYTES", 1024)
    project = make_project({**BASE, "artifactBucket": "acme-artifacts"})

    def key():
        result = preview(project, "test")
        # Each run rewrites the zip in place: compare keys as each run registered them.
        assert result.get("aws:s3/bucketObjectv2:BucketObjectv2", "web-code").inputs["key"] == uploaded_zip(result)[1]
        return uploaded_zip(result)[1]

    first = key()
    assert key() == first
    (project / "app" / "extra.txt").write_text("a change\n")
    assert key() != first


def test_over_250_mb_unzipped_is_still_refused_before_any_resource(make_project, monkeypatch):
    monkeypatch.setattr(artifact, "MAX_UNZIPPED_BYTES", 1024)
    registered = []
    with pytest.raises(artifact.ArtifactError) as failure:
        preview(make_project(BASE), "test", record=registered)
    assert "above Lambda's 0.0 MB limit for unzipped code" in str(failure.value)
    assert registered == []
