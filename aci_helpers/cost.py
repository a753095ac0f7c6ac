"""A rough cost estimate of a container group from its CPU and memory requests.

ACI bills a group per second for the vCPUs and GB of memory it *requests* while they are
allocated to it (Microsoft: "billed by the second"; a stopped group is deallocated and
billing stops). When exactly billing starts is not documented. This is an ESTIMATE from a
small price table: no discounts, no Windows surcharge, no GPU, no networking or storage,
USD only.
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

# Where the rates come from, and where to look up today's: the Azure Retail Prices API
# (no sign-in), filtered to the service and the region. It publishes ACI's Linux rates per
# vCPU-hour and per GB-hour ("1 Hour"); ACI bills them per second.
PRICE_SOURCE = "Azure Retail Prices API"
PRICE_API = "https://prices.azure.com/api/retail/prices"
PRICE_FILTER = "serviceName eq 'Container Instances' and armRegionName eq '{region}'"
# The rates below were read from that API in 2026 by the author of this kit's issue 17 (a
# review of every claim against public sources). This build environment cannot reach the
# API: they are NOT re-checked here, and the estimate says so.
PRICE_READ_ON = "2026"
PRICE_READ_BY = "a kit author"
CURRENCY = "USD"

# region -> (per vCPU-hour, per GB-hour); Linux, Standard SKU, pay-as-you-go.
PRICES: dict[str, tuple[float, float]] = {
    "eastus": (0.0405, 0.00445),
}
FALLBACK_REGION = "eastus"


def lookup_url(region: str = FALLBACK_REGION) -> str:
    """The Retail Prices API query that lists ACI's rates in ``region`` (e.g. 'westeurope')."""
    return f"{PRICE_API}?$filter={PRICE_FILTER.format(region=region)}"


@dataclass(frozen=True)
class CostEstimate:
    """An estimate, in USD, of running ``cpu`` vCPUs and ``memory_gb`` GB for ``seconds``."""

    group: str | None
    region: str
    cpu: float
    memory_gb: float
    seconds: float
    per_vcpu_hour: float
    per_gb_hour: float
    note: str | None = None

    @property
    def per_vcpu_second(self) -> float:
        """The vCPU rate per second (the API publishes it per hour; ACI bills per second)."""
        return self.per_vcpu_hour / 3600

    @property
    def per_gb_second(self) -> float:
        """The memory rate per GB-second."""
        return self.per_gb_hour / 3600

    @property
    def cpu_cost(self) -> float:
        """The vCPU part of the estimate, in USD."""
        return self.cpu * self.seconds * self.per_vcpu_hour / 3600

    @property
    def memory_cost(self) -> float:
        """The memory part of the estimate, in USD."""
        return self.memory_gb * self.seconds * self.per_gb_hour / 3600

    @property
    def total(self) -> float:
        """The whole estimate, in USD: vCPU plus memory."""
        return self.cpu_cost + self.memory_cost

    def _lines(self) -> list[str]:
        who = f"'{self.group}'" if self.group else "the group"
        # Short lines: a notebook wraps long ones wherever it likes, even mid-word.
        took = _fmt_duration(self.seconds)
        lines = [
            f"Estimated cost of {who}: ${self.total:.5f} {CURRENCY} for {took}",
            f"  {self.cpu:g} vCPU, {self.memory_gb:g} GB, Linux, pay-as-you-go, {self.region}",
            f"  vCPU:   {self.cpu:g} x {took} x ${_price(self.per_vcpu_hour)} per vCPU-hour = ${self.cpu_cost:.5f}",
            f"  memory: {self.memory_gb:g} x {took} x ${_price(self.per_gb_hour)} per GB-hour = ${self.memory_cost:.5f}",
            "  Billed per second. Rates: the Azure Retail Prices API, eastus,",
            f"  as read by {PRICE_READ_BY} in {PRICE_READ_ON}; not re-checked here.",
            f"  Today's, no sign-in needed: {PRICE_API}",
            f"  ?$filter={PRICE_FILTER.format(region=self.region)}",
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
    return f"{value:.10f}".rstrip("0").rstrip(".")


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
        note = f"no rate recorded here for {region}: East US rates used"
    return CostEstimate(
        group=getattr(group, "name", None), region=region, cpu=float(cpu),
        memory_gb=float(memory_gb), seconds=seconds, per_vcpu_hour=per_cpu,
        per_gb_hour=per_gb, note=note,
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
        {"region": r, "os": "Linux", "plan": "pay-as-you-go", "per_vcpu_hour": c,
         "per_gb_hour": m, "per_vcpu_second": c / 3600, "per_gb_second": m / 3600,
         "currency": CURRENCY, "source": PRICE_SOURCE, "read_on": PRICE_READ_ON,
         "read_by": PRICE_READ_BY, "look_up": lookup_url(r)}
        for r, (c, m) in PRICES.items()
    ]
    return pd.DataFrame(rows)
