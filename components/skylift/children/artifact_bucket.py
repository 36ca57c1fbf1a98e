"""The app's zip in S3, for apps over Lambda's 50 MB direct upload (or whenever ``artifactBucket`` is set).

The object's key is the zip's sha256, so an unchanged app uploads nothing and
changes nothing. Without ``artifactBucket`` the App creates a private bucket
of its own: public access blocked, TLS only, encrypted, versioned, with
replaced zips expired (Lambda keeps its own copy of each version's code).
"""

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options
from .. import artifact, policies

NONCURRENT_DAYS = 30
INCOMPLETE_UPLOAD_DAYS = 1


def function_code(parent: pulumi.ComponentResource, name: str, function_name: str, zip_: artifact.Artifact,
                  bucket_name: Optional[str], tags) -> tuple[dict, list]:
    """The Function's code arguments and what it must wait for: the zip itself, or the zip's S3 object."""
    # The limit is read at call time, so a test can lower it.
    if not bucket_name and zip_.size <= artifact.MAX_ZIPPED_BYTES:
        return {"code": pulumi.FileArchive(str(zip_.path))}, []
    bucket = pulumi.Output.from_input(bucket_name) if bucket_name else _private_bucket(parent, name, tags)
    uploaded = aws.s3.BucketObjectv2(
        f"{name}-code",
        bucket=bucket,
        key=f"{function_name}/{zip_.sha256}.zip",
        source=pulumi.FileAsset(str(zip_.path)),
        content_type="application/zip",
        tags=tags,
        opts=child_options(parent),
    )
    return {"s3_bucket": uploaded.bucket, "s3_key": uploaded.key}, [uploaded]


def _private_bucket(parent, name: str, tags) -> pulumi.Output:
    child = child_options(parent)
    bucket = aws.s3.Bucket(f"{name}-artifacts", tags=tags, opts=child)
    settings = [
        aws.s3.BucketPublicAccessBlock(
            f"{name}-artifacts-public-access-block", bucket=bucket.id, block_public_acls=True,
            block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True, opts=child),
        aws.s3.BucketPolicy(
            f"{name}-artifacts-policy", bucket=bucket.id,
            policy=bucket.arn.apply(lambda arn: json.dumps(policies.tls_only_bucket_policy(arn), sort_keys=True)),
            opts=child),
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-artifacts-encryption", bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}], opts=child),
        aws.s3.BucketVersioning(
            f"{name}-artifacts-versioning", bucket=bucket.id,
            versioning_configuration={"status": "Enabled"}, opts=child),
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-artifacts-lifecycle", bucket=bucket.id, rules=[{
                "id": "expire-replaced-zips",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "noncurrent_version_expiration": {"noncurrent_days": NONCURRENT_DAYS},
                "expiration": {"expired_object_delete_marker": True},
                "abort_incomplete_multipart_upload": {"days_after_initiation": INCOMPLETE_UPLOAD_DAYS},
            }], opts=child),
    ]
    # No zip goes in before the bucket is private and encrypted.
    return pulumi.Output.all(bucket.id, *[setting.id for setting in settings]).apply(lambda ids: ids[0])
