from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.accounts.enums import SECOND_FACTOR_ROLES, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        """A national-team account (the only role with access to the admin)."""
        user = self.create_user(email, password, **fields)
        user.roles.create(role=Role.NATIONAL)
        return user


class User(AbstractBaseUser):
    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    @property
    def audit_label(self) -> str:
        """How the append-only journal names a person: erasure leaves no name behind."""
        return f"Utilisateur n° {self.pk}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        """Django ends every session whose stored hash no longer matches (a new password).
        Whether the account needs a second factor is part of it: a person given the
        national team's or the financial operator's role while logged in is logged out at
        the next request, and comes back through the code; the role taken away, the same.
        (The session's user comes with its roles prefetched: no query of its own.)"""
        if "roles" in getattr(self, "_prefetched_objects_cache", {}):
            privileged = any(a.role in SECOND_FACTOR_ROLES for a in self.roles.all())
        else:
            privileged = self.roles.filter(role__in=SECOND_FACTOR_ROLES).exists()
        return super()._get_session_auth_hash(secret=secret) + ("-2fa" if privileged else "")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.first_name

    def role_kinds(self) -> list[str]:
        """The kinds of role this person holds, in the order of the Role enum."""
        held = {a.role for a in self.roles.all()}
        return [r.value for r in Role if r.value in held]

    # The national team has every right in the administration; nobody else enters it.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.has_role(Role.NATIONAL)

    is_superuser = is_staff

    def has_role(self, role) -> bool:
        return any(a.role == role for a in self.roles.all())

    def has_perm(self, perm, obj=None):
        return self.is_staff

    def has_perms(self, perm_list, obj=None):
        return self.is_staff

    def has_module_perms(self, app_label):
        return self.is_staff


class RoleAssignment(models.Model):
    """One role held by a person, with its scope where the role has one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="managers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rôle"
        ordering = ["role", "id"]
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                violation_error_message=(
                    "Une préfecture a un département ou une région (pas les deux), "
                    "un gestionnaire de structure a une structure, les autres rôles n'ont "
                    "pas de périmètre."
                ),
                condition=(
                    Q(
                        role=Role.PREFECTURE,
                        structure__isnull=True,
                        departement__isnull=False,
                        region__isnull=True,
                    )
                    | Q(
                        role=Role.PREFECTURE,
                        structure__isnull=True,
                        departement__isnull=True,
                        region__isnull=False,
                    )
                    | Q(
                        role=Role.STRUCTURE,
                        structure__isnull=False,
                        departement__isnull=True,
                        region__isnull=True,
                    )
                    | (
                        ~Q(role__in=[Role.PREFECTURE, Role.STRUCTURE])
                        & Q(structure__isnull=True, departement__isnull=True, region__isnull=True)
                    )
                ),
            ),
            # A role once per scope (the scopes are NULL when unused, and NULLs never
            # collide in a plain unique constraint: one partial constraint per kind).
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(structure__isnull=True, departement__isnull=True, region__isnull=True),
                name="role_once_unscoped",
                violation_error_message="Cette personne a déjà ce rôle.",
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"role_once_per_{scope}",
                    violation_error_message=f"Cette personne a déjà ce rôle pour {what}.",
                )
                for scope, what in (
                    ("structure", "cette structure"),
                    ("departement", "ce département"),
                    ("region", "cette région"),
                )
            ),
        ]

    def __str__(self):
        scope = self.structure or self.departement or self.region
        label = self.get_role_display()
        return f"{label} — {scope}" if scope else label


class LoginThrottle(models.Model):
    """Failed logins of one address, keyed by a hash of the e-mail (no address is stored).

    One row per address: an attempt takes one unit with a single
    ``UPDATE … SET failures = failures + 1 WHERE failures < limit`` before the password is
    checked, so simultaneous attempts cannot check more passwords than the limit.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "compteur de connexions échouées"

    def __str__(self):
        return f"{self.failures} échec(s)"
