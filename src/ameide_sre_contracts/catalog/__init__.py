"""The event catalog, generated from the contract's descriptors: Markdown for people, AsyncAPI 3.0 for tools.

Nothing here is written by hand: topics, envelopes and payloads come from the
descriptors and custom options, descriptions from the proto comments (the
package ships its descriptors with source info as
`ameide_core_proto/sre/sre_contract.binpb`), and rules from the protovalidate
options, put into words.
"""

from ameide_sre_contracts._descriptors import comment
from ameide_sre_contracts.catalog._asyncapi import asyncapi, asyncapi_document
from ameide_sre_contracts.catalog._markdown import markdown
from ameide_sre_contracts.catalog._proto import proto_bundle
from ameide_sre_contracts.catalog._words import message_rules, presence, rules_in_words, type_name

__all__ = [
    "asyncapi",
    "asyncapi_document",
    "comment",
    "markdown",
    "message_rules",
    "presence",
    "proto_bundle",
    "rules_in_words",
    "type_name",
]
