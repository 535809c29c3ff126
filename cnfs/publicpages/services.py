"""Changing the contact of a territory (from its page or from the administration)."""

from django.db import transaction

from cnfs.common import audit
from cnfs.publicpages.models import TerritoryContact
from cnfs.territories.models import Departement, Region

FIELDS = ("organisation", "email", "phone", "url")


def save_contact(territory: Departement | Region, *, by, **values) -> TerritoryContact:
    """Create or update the contact of ``territory`` (a département or a région)."""
    key = "departement" if isinstance(territory, Departement) else "region"
    with transaction.atomic():
        contact = TerritoryContact.objects.select_for_update().filter(
            **{key: territory}
        ).first() or TerritoryContact(**{key: territory})
        changes = {
            name: [getattr(contact, name), values[name]]
            for name in FIELDS
            if name in values and getattr(contact, name) != values[name]
        }
        for name in FIELDS:
            if name in values:
                setattr(contact, name, values[name])
        contact.updated_by = by
        contact.full_clean()
        contact.save()
        audit.record(
            "territory_contact_saved",
            by=by,
            obj=contact,
            summary=f"Contact de {territory} modifié",
            changes=changes,
        )
    return contact
