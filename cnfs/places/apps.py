from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "cnfs.places"
    label = "places"
    verbose_name = "Lieux d’activité"

    def ready(self):
        # Imported here: models may be imported only once the app registry is ready.
        from cnfs.contracts.signals import contract_left
        from cnfs.places.services import on_contract_left

        contract_left.connect(on_contract_left, dispatch_uid="places.contract_left")
