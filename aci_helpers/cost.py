"""A rough cost estimate of a container group from its CPU and memory requests.

ACI bills a group per second for the vCPUs and GB of memory it *requests*, from when
its image starts pulling until it stops. This is an ESTIMATE from a small price table:
no discounts, no Windows surcharge, no GPU, no networking or storage, USD only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .errors import ArgumentError
from .models import group_requests

if TYPE_CHECKING:
    import pandas as pd
    from azure.mgmt.containerinstance.models import ContainerGroup

PRICE_SOURCE = "https://azure.microsoft.com/en-us/pricing/details/container-instances/"
# The figures below are the Linux, pay-as-you-go, East US rates of PRICE_SOURCE as quoted
# in this project's issue notes on PRICE_READ_ON. The live page could not be reached from
# the build environment, so they are NOT verified against it: the message says so.
PRICE_READ_ON = "2026-11-25"
CURRENCY = "USD"

# region -> (per vCPU-second, per GB-second); Linux, Standard SKU, pay-as-you-go.
PRICES: dict[str, tuple[float, float]] = {
    "eastus": (0.0000135, 0.0000015),
}
FALLBACK_REGION = "eastus"


@dataclass(frozen=True)
class CostEstimate:
    """An estimate, in USD, of running ``cpu`` vCPUs and ``memory_gb`` GB for ``seconds``."""

    group: str | None
    region: str
    cpu: float
    memory_gb: float
    seconds: float
    per_vcpu_second: float
    per_gb_second: float
    note: str | None = None

    @property
    def cpu_cost(self) -> float:
        """The vCPU part of the estimate, in USD."""
        return self.cpu * self.seconds * self.per_vcpu_second

    @property
    def memory_cost(self) -> float:
        """The memory part of the estimate, in USD."""
        return self.memory_gb * self.seconds * self.per_gb_second

    @property
    def total(self) -> float:
        """The whole estimate, in USD: vCPU plus memory."""
        return self.cpu_cost + self.memory_cost

    def _lines(self) -> list[str]:
        who = f"'{self.group}'" if self.group else "the group"
        # Short lines: a notebook wraps long ones wherever it likes, even mid-word.
        lines = [
            f"Estimated cost of {who}: ${self.total:.4f} {CURRENCY} for {_fmt_duration(self.seconds)}",
            f"  {self.cpu:g} vCPU, {self.memory_gb:g} GB, Linux, pay-as-you-go, {self.region}",
            f"  vCPU:   {self.cpu:g} x {self.seconds:g} s x ${_price(self.per_vcpu_second)} = ${self.cpu_cost:.4f}",
            f"  memory: {self.memory_gb:g} x {self.seconds:g} s x ${_price(self.per_gb_second)} = ${self.memory_cost:.4f}",
            f"  An estimate only: rates as of {PRICE_READ_ON}, not verified against",
            f"  {PRICE_SOURCE}",
            "  (check it for today's).",
        ]
        if self.note:
            lines.append(f"  Note: {self.note}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self._lines())

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # noqa: ANN001 - IPython's printer
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        return "\n".join(["```text", *self._lines(), "```"])


def _price(value: float) -> str:
    return f"{value:.10f}".rstrip("0")


def _fmt_duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def estimate_cost(
    group: "ContainerGroup | None" = None,
    duration: timedelta | float = timedelta(hours=1),
    *,
    cpu: float | None = None,
    memory_gb: float | None = None,
    region: str | None = None,
) -> CostEstimate:
    """Estimate what ``group`` (or ``cpu``/``memory_gb``) costs for ``duration``.

    ``duration`` is a ``timedelta`` or seconds. Regions missing from ``PRICES`` use the
    East US rates, and the estimate says so.
    """
    if group is not None:
        g_cpu, g_mem = group_requests(group)
        cpu = g_cpu if cpu is None else cpu
        memory_gb = g_mem if memory_gb is None else memory_gb
        region = region or (group.location or FALLBACK_REGION)
    if cpu is None or memory_gb is None:
        raise ArgumentError("estimate_cost needs a container group, or both cpu and memory_gb")
    cpu = _amount("cpu", cpu, "vCPUs, e.g. cpu=1.0")
    memory_gb = _amount("memory_gb", memory_gb, "GB, e.g. memory_gb=1.5")
    seconds = _amount("duration", duration.total_seconds() if isinstance(duration, timedelta)
                      else duration, "a timedelta or seconds, e.g. timedelta(hours=1) or 3600")
    region = (region or FALLBACK_REGION).replace(" ", "").lower()
    note = None
    if region in PRICES:
        per_cpu, per_gb = PRICES[region]
    else:
        per_cpu, per_gb = PRICES[FALLBACK_REGION]
        note = f"no price recorded for {region}; East US rates used"
    return CostEstimate(
        group=getattr(group, "name", None), region=region, cpu=float(cpu),
        memory_gb=float(memory_gb), seconds=seconds, per_vcpu_second=per_cpu,
        per_gb_second=per_gb, note=note,
    )


def _amount(what: str, value: object, example: str) -> float:
    """``value`` as a finite, non-negative float; anything else is an ArgumentError."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not ok or not math.isfinite(number) or number < 0:
        raise ArgumentError(f"estimate_cost: {what}={value!r} is not a finite number of zero or "
                            f"more; pass {example}.")
    return number


def price_table() -> "pd.DataFrame":
    """The price table used by ``estimate_cost``, with its source and the date read."""
    import pandas as pd  # noqa: PLC0415

    rows: list[dict[str, Any]] = [
        {"region": r, "os": "Linux", "plan": "pay-as-you-go", "per_vcpu_second": c,
         "per_gb_second": m, "per_vcpu_hour": round(c * 3600, 6), "per_gb_hour": round(m * 3600, 6),
         "currency": CURRENCY, "source": PRICE_SOURCE, "read_on": PRICE_READ_ON}
        for r, (c, m) in PRICES.items()
    ]
    return pd.DataFrame(rows)
