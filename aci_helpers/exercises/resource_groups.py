"""00's check: the learner writes the SDK call that lists the resource groups the tutorial
tagged, as a function of a Resource Manager client."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..models import is_tutorial_resource
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session

_NAME = "tutorial_group_names"


def _crashed(err: Exception) -> Feedback:
    """What a crash of the learner's function says about the usual mistakes."""
    text = str(err)
    if isinstance(err, (TypeError, AttributeError)) and "NoneType" in text:
        return not_yet(f"it crashed ({type(err).__name__}: {text}): a resource group without "
                       "any tag has tags None, not {}. Read a group's tags as (g.tags or {}).")
    if isinstance(err, KeyError):
        return not_yet(f"it crashed (KeyError: {text}): a group whose tags have no "
                       f"{text} key. Ask with .get(...), which answers None instead.")
    if isinstance(err, AttributeError) and "object has no attribute" in text:
        return not_yet(f"it crashed (AttributeError: {text}): the client's resource groups are "
                       "read through client.resource_groups; Tab after "
                       "client.resource_groups. shows its methods.")
    return not_yet(f"it crashed ({type(err).__name__}: {text[:160]}).")


def check_tutorial_groups(s: "Session", fn: Any) -> Feedback:
    """00: ``fn(client)`` lists, with the client it is given, exactly the names of the
    subscription's resource groups tagged created-by=aci-tutorial."""
    if unanswered(fn):
        return not_yet(f"{_NAME} is not written yet: define it with def, as the cell shows.")
    if not callable(fn):
        return not_yet(f"{_NAME} should be a function taking a client (def {_NAME}(client): "
                       f"...), not a {type(fn).__name__}.")
    with s.requests.capture() as sent:
        try:
            answer = fn(s.resources)
        except Exception as err:  # noqa: BLE001 - the learner's code: say what it did
            return _crashed(err)
    if answer is None:
        return not_yet(f"{_NAME}(s.resources) returned None. Ask the client for the "
                       "subscription's resource groups (its operation group resource_groups: "
                       "Tab after client.resource_groups. shows what it can do), keep those "
                       "whose tags say created-by: aci-tutorial, and return their names.")
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set)):
        if isinstance(answer, (Iterator, Iterable)) and not isinstance(answer, (str, dict)):
            return not_yet(f"{_NAME} returned a {type(answer).__name__}, which is read lazily "
                           "and only once: return a list (a list comprehension, or list(...)).")
        return not_yet(f"{_NAME} should return a list of names, not a {type(answer).__name__} "
                       f"{str(answer)[:40]!r}.")
    if not sent:
        return not_yet(f"{_NAME} sent no request: it must ask the client each time (groups come "
                       "and go), not return names written in advance.")
    if any(not isinstance(item, str) for item in answer):
        if all(hasattr(item, "name") for item in answer):
            return not_yet("return the groups' names (g.name), not the ResourceGroup objects.")
        return not_yet("every item of the list should be a name (a str).")
    if len(set(answer)) != len(list(answer)):
        return not_yet("a name appears twice: list each resource group once.")
    everything = {g.name.lower(): g for g in s.resources.resource_groups.list()}
    tagged = sorted(g.name for g in everything.values() if is_tutorial_resource(g.tags))
    given = {n.lower() for n in answer}
    unknown = sorted(n for n in answer if n.lower() not in everything)
    if unknown:
        return not_yet(f"there is no resource group {', '.join(unknown)} in the subscription "
                       "now: return only names the client lists.")
    untagged = sorted(n for n in answer if not is_tutorial_resource(everything[n.lower()].tags))
    if untagged:
        verb = "does" if len(untagged) == 1 else "do"
        return not_yet(f"{', '.join(untagged)} {verb} not carry the tag created-by=aci-tutorial: "
                       "keep only the groups whose tag created-by is 'aci-tutorial'.")
    missing = [n for n in tagged if n.lower() not in given]
    if missing:
        return not_yet(f"the subscription holds {len(tagged)} tagged resource group(s); your "
                       f"list misses {', '.join(missing)}. Did you list them all, over every "
                       "page of resource_groups.list()?")
    # Your own group first, then at most four more: a workshop's subscription holds 30.
    mine = [n for n in tagged if n.lower() == s.resource_group.lower()]
    shown = mine + [n for n in tagged if n not in mine][:5 - len(mine)]
    more = f" and {len(tagged) - len(shown)} more" if len(tagged) > len(shown) else ""
    return passed(f"the subscription holds {len(everything)} resource group(s), {len(tagged)} of "
                  f"them tagged created-by=aci-tutorial, and your function names exactly those: "
                  f"{', '.join(shown) or 'none'}{more}.")
