from django.conf import settings
from django.db import models

from cnfs.partners.enums import Scope

PREFIX_LENGTH = 8


class ApiKey(models.Model):
    """A partner's key to the API. Only a keyed hash of the key is kept: the clear key is
    shown once, at creation. A key is never edited: the national team revokes it and
    creates another."""

    name = models.CharField("nom de la clé", max_length=200)
    organisation = models.CharField("organisme partenaire", max_length=200)
    contact_email = models.EmailField("e-mail du contact technique")
    prefix = models.CharField(
        "préfixe",
        max_length=PREFIX_LENGTH,
        unique=True,
        editable=False,
        help_text="Les 8 premiers caractères de la clé : ils l’identifient sans la révéler.",
    )
    hashed_key = models.CharField("empreinte de la clé", max_length=64, editable=False)
    scopes = models.JSONField("droits", default=list)
    departements = models.JSONField(
        "départements autorisés",
        default=list,
        blank=True,
        help_text="Codes des départements. Vide, avec les régions vides : tout le territoire.",
    )
    regions = models.JSONField("régions autorisées", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    requests = models.PositiveBigIntegerField("requêtes reçues", default=0)

    class Meta:
        verbose_name = "clé d’API partenaire"
        verbose_name_plural = "clés d’API partenaires"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation}, {self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_restricted(self) -> bool:
        return bool(self.departements or self.regions)

    def scope_label(self) -> str:
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)

    def territory_label(self) -> str:
        if not self.is_restricted:
            return "Tout le territoire"
        parts = [f"départements {', '.join(self.departements)}"] if self.departements else []
        parts += [f"régions {', '.join(self.regions)}"] if self.regions else []
        return " ; ".join(parts)


class RateCounter(models.Model):
    """Calls of one caller (a key, or an anonymous address) in one fixed window: shared by
    every server, counted by one ``UPDATE … SET calls = calls + 1`` (see partners.auth)."""

    caller = models.CharField("appelant", max_length=100)
    window = models.BigIntegerField("fenêtre (début, en secondes depuis 1970)")
    calls = models.PositiveIntegerField("appels", default=0)
    expires_at = models.BigIntegerField("fin de la fenêtre", db_index=True)

    class Meta:
        verbose_name = "compteur d’appels à l’API partenaires"
        constraints = [
            models.UniqueConstraint(fields=["caller", "window"], name="one_counter_per_window")
        ]

    def __str__(self):
        return f"{self.caller} : {self.calls} appel(s)"
