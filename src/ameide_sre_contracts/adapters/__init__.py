"""Integration adapters: what monitoring, GitOps, SLO, paging and ticketing systems send, into and out of the contract.

Pure data mapping, no network and no third-party client: each module takes
the JSON (or YAML) another system publishes and returns validated intents,
with deterministic ids so a redelivery dedupes. Anything that is not its
input is refused with an `AdapterInputError` (a `DecodeError`) naming the
JSON path and what was expected.

- `alertmanager`: Alertmanager and Grafana webhooks, Alertmanager's API v2; and back.
- `argocd`: Argo CD Applications into health checks and fleet states.
- `github`: incident facts into GitHub Issues requests; `issues` and `issue_comment` webhooks into intents.
- `jira`: incident facts into Jira REST v3 requests; issue and comment webhooks into intents.
- `kubernetes`: resource references for any object; Warning events into alerts.
- `openslo`: OpenSLO v1 SLO documents into SLO definitions; and back.
- `opsgenie`: incident facts into Alert API v2 requests; webhook actions into intents.
- `pagerduty`: incident facts into Events API v2 bodies; webhook v3 into intents.
- `signatures`: the webhook signatures of PagerDuty, GitHub and Jira, checked before anything is mapped.

`ingest(kind, data, ...)` picks the adapter by the system's name, as
`sre-contracts ingest` does.
"""

from ameide_sre_contracts.adapters._common import ADAPTER_NAMESPACE, derived_id
from ameide_sre_contracts.adapters._ingest import KINDS, ingest
from ameide_sre_contracts.errors import AdapterInputError, SignatureError

__all__ = ["ADAPTER_NAMESPACE", "KINDS", "AdapterInputError", "SignatureError", "derived_id", "ingest"]
