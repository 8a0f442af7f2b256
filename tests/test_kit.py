"""The test kit keeps up with the models: every model has a factory, and every factory builds a
row the database accepts (its constraints checked)."""

import pytest
from django.apps import apps

from tests.kit import factories

PROJECT_APPS = ("marketplace", "shops", "orders", "live")


def project_models() -> list:
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and not model._meta.abstract
    ]


def test_every_model_of_the_project_has_a_factory():
    covered = {factory_class._meta.model for factory_class in factories.all_factories()}

    missing = [model._meta.label for model in project_models() if model not in covered]

    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", factories.all_factories(), ids=lambda f: f.__name__)
def test_each_factory_builds_a_row_the_database_accepts(factory_class):
    instance = factory_class()

    model = factory_class._meta.model
    assert model.objects.filter(pk=instance.pk).exists()
