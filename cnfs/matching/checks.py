"""System checks of the matching's settings (``manage.py check``, every start)."""

from django.conf import settings
from django.core.checks import Error, register

ENGINES = ("numpy", "compiled")


@register()
def matching_engine(app_configs, **kwargs):
    engine = settings.MATCHING_ENGINE
    if engine not in ENGINES:
        return [
            Error(
                f"MATCHING_ENGINE vaut {engine!r} : valeurs possibles « numpy » ou « compiled ».",
                id="matching.E001",
            )
        ]
    if engine != "compiled":
        return []
    # Only then: loading numba takes 0.2–0.4 s at every start.
    from cnfs.matching import kernel

    if not kernel.AVAILABLE:
        return [
            Error(
                "MATCHING_ENGINE vaut « compiled » mais numba n’est pas installé.",
                hint="pip install -r requirements-dev.txt, ou MATCHING_ENGINE=numpy.",
                id="matching.E002",
            )
        ]
    return []
