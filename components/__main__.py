"""Entry point of skylift as a Pulumi component package, for programs in other languages.

The Pulumi CLI runs this file as a plugin; component_provider_host infers the
package schema from skylift.App's annotations (AppArgs) and constructs Apps on
request. Python programs import skylift directly instead.
"""

from pulumi.provider.experimental import component_provider_host

from skylift.app import App

PACKAGE_NAME = "skylift"
COMPONENTS = [App]

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE_NAME)
