"""OpenSLO's vocabulary and the contract's values for it, shared by both directions of the OpenSLO adapter."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from google.protobuf.duration_pb2 import Duration

from ameide_core_proto.sre.core.v1 import slo_pb2

API_VERSION: Final = "openslo/v1"

WINDOW_UNITS: Final = {
    "m": slo_pb2.TIME_UNIT_MINUTE,
    "h": slo_pb2.TIME_UNIT_HOUR,
    "d": slo_pb2.TIME_UNIT_DAY,
    "w": slo_pb2.TIME_UNIT_WEEK,
    "M": slo_pb2.TIME_UNIT_MONTH,
    "Q": slo_pb2.TIME_UNIT_QUARTER,
    "Y": slo_pb2.TIME_UNIT_YEAR,
}
SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DURATION = re.compile(r"^([1-9][0-9]{0,5})([smhdwMQY])$")
OPERATORS: Final = {
    "lt": slo_pb2.COMPARISON_OPERATOR_LESS_THAN,
    "lte": slo_pb2.COMPARISON_OPERATOR_LESS_THAN_OR_EQUAL,
    "gt": slo_pb2.COMPARISON_OPERATOR_GREATER_THAN,
    "gte": slo_pb2.COMPARISON_OPERATOR_GREATER_THAN_OR_EQUAL,
}
BUDGETING: Final = {
    "Occurrences": slo_pb2.BUDGETING_METHOD_OCCURRENCES,
    "Timeslices": slo_pb2.BUDGETING_METHOD_TIMESLICES,
    "RatioTimeslices": slo_pb2.BUDGETING_METHOD_RATIO_TIMESLICES,
}
RAW_TYPES: Final = {"success": slo_pb2.RAW_RATIO_TYPE_SUCCESS, "failure": slo_pb2.RAW_RATIO_TYPE_FAILURE}
BACKENDS: Final = {
    "prometheus": slo_pb2.QUERY_BACKEND_PROMETHEUS,
    "loki": slo_pb2.QUERY_BACKEND_LOKI,
    "elasticsearch": slo_pb2.QUERY_BACKEND_ELASTICSEARCH,
    "opensearch": slo_pb2.QUERY_BACKEND_ELASTICSEARCH,
    "datadog": slo_pb2.QUERY_BACKEND_DATADOG,
}
CALENDAR_PERIODS: Final = {
    slo_pb2.CALENDAR_PERIOD_DAY: "1d",
    slo_pb2.CALENDAR_PERIOD_WEEK: "1w",
    slo_pb2.CALENDAR_PERIOD_MONTH: "1M",
    slo_pb2.CALENDAR_PERIOD_QUARTER: "1Q",
    slo_pb2.CALENDAR_PERIOD_YEAR: "1Y",
}


def key_for(table: Mapping[str, int], value: int) -> str:
    return next(key for key, number in table.items() if number == value)


def duration_text(duration: Duration) -> str:
    for unit in ("d", "h", "m"):
        if duration.seconds % SECONDS[unit] == 0 and not duration.nanos:
            return f"{duration.seconds // SECONDS[unit]}{unit}"
    return f"{duration.seconds}s"


DEFAULTED_WINDOW_ANNOTATION: Final = "sre.ameide.io/defaulted-time-window"
"""The annotation that says an SLO's window was not its document's but the default given (its value)."""
