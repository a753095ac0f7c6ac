"""00's check: the learner lists the resource groups the tutorial tagged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..models import is_tutorial_resource
from .feedback import Feedback, not_yet, passed, unanswered

if TYPE_CHECKING:
    from ..session import Session


def check_tutorial_groups(s: "Session", answer: Any) -> Feedback:
    """00: ``answer`` lists exactly the names of the resource groups tagged by the tutorial."""
    if unanswered(answer):
        return not_yet("tutorial_groups is still empty: set it to a list of names, e.g. with a "
                       "list comprehension over s.resources.resource_groups.list().")
    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set)):
        return not_yet(f"tutorial_groups should be a list of names, not {type(answer).__name__} "
                       f"{str(answer)[:40]!r}.")
    if any(not isinstance(item, str) for item in answer):
        if all(hasattr(item, "name") for item in answer):
            return not_yet("put the names in the list (g.name), not the ResourceGroup objects.")
        return not_yet("every item of tutorial_groups should be a name (a str).")
    if len(set(answer)) != len(list(answer)):
        return not_yet("a name appears twice: list each resource group once.")
    everything = {g.name.lower(): g for g in s.resources.resource_groups.list()}
    tagged = sorted(g.name for g in everything.values() if is_tutorial_resource(g.tags))
    given = {n.lower() for n in answer}
    unknown = sorted(n for n in answer if n.lower() not in everything)
    if unknown:
        return not_yet(f"there is no resource group {', '.join(unknown)} in the subscription "
                       "now (deleted since you listed it? notebook 06's clean-up deletes the "
                       "tutorial's): run your cell again to list what is there.")
    untagged = sorted(n for n in answer if not is_tutorial_resource(everything[n.lower()].tags))
    if untagged:
        return not_yet(f"{', '.join(untagged)} does not carry the tag created-by=aci-tutorial: "
                       "keep only the groups whose (g.tags or {}).get('created-by') is "
                       "'aci-tutorial'.")
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
                  f"them tagged created-by=aci-tutorial, and your list names exactly those: "
                  f"{', '.join(shown) or 'none'}{more}.")
