from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "cnfs.funding"
    label = "funding"
    verbose_name = "Financement"

    def ready(self):
        from cnfs.contracts import signals
        from cnfs.funding import services

        signals.recruitment_validated.connect(
            services.on_recruitment_validated, dispatch_uid="funding.recruitment_validated"
        )
        signals.contract_end_validated.connect(
            services.on_contract_end_validated, dispatch_uid="funding.contract_end_validated"
        )
