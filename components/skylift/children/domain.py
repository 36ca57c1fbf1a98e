"""A custom domain for the HTTP API: certificate, API Gateway domain name, mapping, DNS.

With ``zone_id`` (Route 53): an ACM certificate validated through a record in
the zone, and A and AAAA alias records for the name. With ``certificate_arn``
(DNS elsewhere): that certificate, and the target to point a record at as
outputs. Both: that certificate, and the records in the zone.
"""

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import child_options


@dataclass(frozen=True)
class Domain:
    url: pulumi.Output
    """https://<name>"""
    target_domain_name: pulumi.Output
    """Where a CNAME or alias record for the name must point."""
    target_zone_id: pulumi.Output
    """The hosted zone id of that target, for an alias record."""


def custom_domain(parent: pulumi.ComponentResource, name: str, domain: dict, api, stage, tags) -> Domain:
    """The domain name mapped to ``stage``, its certificate (given, or requested and validated in the zone)
    and, with a zone, its A and AAAA records."""
    zone_id = domain.get("zone_id")
    certificate_arn = domain.get("certificate_arn") or _validated_certificate(parent, name, domain["name"], zone_id, tags)
    domain_name = aws.apigatewayv2.DomainName(
        f"{name}-domain",
        domain_name=domain["name"],
        domain_name_configuration=aws.apigatewayv2.DomainNameDomainNameConfigurationArgs(
            certificate_arn=certificate_arn,
            endpoint_type="REGIONAL",
            security_policy="TLS_1_2",
        ),
        tags=tags,
        opts=child_options(parent),
    )
    aws.apigatewayv2.ApiMapping(
        f"{name}-api-mapping",
        api_id=api.id,
        domain_name=domain_name.id,
        stage=stage.name,
        opts=child_options(parent),
    )
    configuration = domain_name.domain_name_configuration
    target = configuration.apply(lambda c: c.target_domain_name)
    target_zone = configuration.apply(lambda c: c.hosted_zone_id)
    if zone_id:
        for record_type in ("A", "AAAA"):
            _alias_record(parent, f"{name}-domain-{record_type.lower()}", zone_id, domain["name"], record_type,
                          target, target_zone)
    return Domain(pulumi.Output.from_input(f"https://{domain['name']}"), target, target_zone)


def _validated_certificate(parent, name: str, domain_name: str, zone_id: Optional[str], tags) -> pulumi.Output:
    certificate = aws.acm.Certificate(
        f"{name}-certificate",
        domain_name=domain_name,
        validation_method="DNS",
        tags=tags,
        opts=child_options(parent),
    )
    option = certificate.domain_validation_options.apply(lambda options: options[0])
    record = aws.route53.Record(
        f"{name}-certificate-record",
        zone_id=zone_id,
        name=option.apply(lambda o: o.resource_record_name),
        type=option.apply(lambda o: o.resource_record_type),
        records=[option.apply(lambda o: o.resource_record_value)],
        ttl=300,
        # ACM asks for the same record again when the certificate is replaced.
        allow_overwrite=True,
        opts=child_options(parent),
    )
    validation = aws.acm.CertificateValidation(
        f"{name}-certificate-validation",
        certificate_arn=certificate.arn,
        validation_record_fqdns=[record.fqdn],
        opts=child_options(parent),
    )
    # The domain name waits for the certificate to be issued, not merely requested.
    return validation.certificate_arn


def _alias_record(parent, child: str, zone_id: str, domain_name: str, record_type: str, target, target_zone):
    return aws.route53.Record(
        child,
        zone_id=zone_id,
        name=domain_name,
        type=record_type,
        aliases=[aws.route53.RecordAliasArgs(name=target, zone_id=target_zone, evaluate_target_health=False)],
        opts=child_options(parent),
    )
