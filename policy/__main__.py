"""The skylift policy pack, as the Pulumi CLI starts it: `pulumi preview --policy-pack policy`."""

from pulumi_policy import PolicyPack

from skylift_policies import POLICIES

PolicyPack("skylift", policies=POLICIES)
