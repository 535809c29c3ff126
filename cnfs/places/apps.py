from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cnfs.places"
    label = "places"
    verbose_name = "Lieux d’activité"

    def ready(self):
        # Imported here: models may be imported only once the app registry is ready.
        from django.db.models.signals import post_delete, post_save

        from cnfs.contracts.signals import contract_left
        from cnfs.places.models import Place, PlaceAdvisor
        from cnfs.places.services import on_contract_left, on_place_written

        contract_left.connect(on_contract_left, dispatch_uid="places.contract_left")
        # Whatever writes a place or its advisors (services, admin) moves the cached public
        # figures on (map counts, open-data files).
        for model in (Place, PlaceAdvisor):
            for signal in (post_save, post_delete):
                signal.connect(
                    on_place_written,
                    sender=model,
                    dispatch_uid=f"places.written.{model.__name__}.{signal is post_save}",
                )
