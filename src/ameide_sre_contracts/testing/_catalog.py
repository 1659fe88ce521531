"""Runbooks, their executions and service catalog entries."""

from __future__ import annotations

from ameide_core_proto.sre.core.v1 import incident_pb2, runbook_pb2, service_pb2
from ameide_sre_contracts.testing._values import (
    INCIDENT_ID,
    RUNBOOK_ID,
    SERVICE_ID,
    SLO_ID,
    agent,
    at,
    resource,
    seconds,
    stable_uuid,
)


def runbook() -> runbook_pb2.Runbook:
    """An assisted runbook with every field set."""
    steps = [
        runbook_pb2.RunbookStep(
            step_id="inspect-rollout",
            title="Inspect the rollout history",
            instructions="List recent revisions and compare the config hash.",
            command="kubectl -n checkout rollout history deployment/checkout-api",
            automation_level=runbook_pb2.AUTOMATION_LEVEL_AUTOMATED,
            timeout=seconds(60),
        ),
        runbook_pb2.RunbookStep(
            step_id="revert-config",
            title="Revert the config change in GitOps",
            instructions="Open a revert of the config map commit and ask for approval.",
            command="git revert --no-edit HEAD",
            automation_level=runbook_pb2.AUTOMATION_LEVEL_ASSISTED,
            timeout=seconds(300),
        ),
    ]
    return runbook_pb2.Runbook(
        runbook_id=RUNBOOK_ID,
        title="Restart a crash-looping deployment",
        description="Use when pods crash-loop after a configuration change.",
        trigger_conditions=[
            runbook_pb2.RunbookTrigger(
                description="Pods crash-loop shortly after a config map change",
                match_labels={"alertname": "KubePodCrashLooping"},
                symptoms=["CrashLoopBackOff", "5xx after deploy"],
            )
        ],
        steps=steps,
        automation_level=runbook_pb2.AUTOMATION_LEVEL_ASSISTED,
        approval_required=True,
        owner="team-checkout",
        created_at=at(-86400),
    )


def runbook_execution() -> runbook_pb2.RunbookExecution:
    """A succeeded execution with every field set."""
    return runbook_pb2.RunbookExecution(
        execution_id=stable_uuid("execution"),
        runbook_id=RUNBOOK_ID,
        incident_id=INCIDENT_ID,
        executed_by=agent(),
        started_at=at(600),
        finished_at=at(900),
        outcome=runbook_pb2.RUNBOOK_OUTCOME_SUCCEEDED,
        step_results=[
            runbook_pb2.RunbookStepResult(
                step_id="inspect-rollout",
                outcome=runbook_pb2.STEP_OUTCOME_SUCCEEDED,
                started_at=at(600),
                finished_at=at(610),
                output="REVISION 41 config-hash=9f3c…",
            )
        ],
        dry_run=True,
    )


def service() -> service_pb2.Service:
    """The checkout service's catalog entry with every field set."""
    return service_pb2.Service(
        service_id=SERVICE_ID,
        name="Checkout",
        description="Takes payment and confirms orders for the web shop.",
        tier=service_pb2.SERVICE_TIER_CRITICAL,
        owner="team-checkout",
        resources=[resource()],
        slo_ids=[SLO_ID],
        runbook_ids=[RUNBOOK_ID],
        repository_url="https://git.ameide.io/shop/checkout.git",
        on_call=[
            incident_pb2.ExternalRef(
                system=incident_pb2.EXTERNAL_SYSTEM_PAGERDUTY,
                id="PF9KMXH",
                url="https://acme.pagerduty.com/services/PF9KMXH",
            )
        ],
        labels={"domain": "commerce"},
        created_at=at(-90 * 86400),
        updated_at=at(-86400),
    )
