"""Every model with a status moves through a declared workflow (transition log, audit
entry, compare-and-set): the list is taken from the app registry, not written by hand."""

import pytest
from django.apps import apps

from cnfs.common.workflow import Workflow


def stateful_models():
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("cnfs.")
        and any(field.name == "status" and field.concrete for field in model._meta.get_fields())
    ]


def test_the_registry_finds_the_programmes_stateful_models():
    names = {model.__name__ for model in stateful_models()}
    assert {
        "Structure",
        "PostRequest",
        "Session",
        "Post",
        "Candidate",
        "Proposal",
        "Contract",
        "PostFunding",
    } <= names


@pytest.mark.parametrize("model", stateful_models(), ids=lambda model: model.__name__)
def test_each_stateful_model_declares_its_workflow(model):
    workflow = getattr(model, "workflow", None)
    assert isinstance(workflow, Workflow), f"{model.__name__} n’a pas de workflow déclaré"
    assert workflow.state_field == "status"
    choices = {str(value) for value, _ in model._meta.get_field("status").flatchoices}
    for transition in workflow.transitions.values():
        assert transition.target in choices
        assert transition.sources <= choices | {"*"}
