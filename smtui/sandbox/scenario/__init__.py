"""The default scenario: a realistic ML team's account (:mod:`.seed` builds it; :mod:`.names` names what
it holds). ``from smtui.sandbox import scenario as sc`` gives the names, :func:`seed_default` and
:class:`ScenarioState`."""

from smtui.sandbox.scenario.names import *  # noqa: F403 - the scenario's names are its interface
from smtui.sandbox.scenario.names import nightly_names
from smtui.sandbox.scenario.seed import seed_default
from smtui.sandbox.scenario.seeder import ScenarioState

__all__ = ["ScenarioState", "nightly_names", "seed_default"]  # and every name of .names
