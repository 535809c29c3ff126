from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "cnfs.coordination"
    label = "coordination"
    verbose_name = "Coordination, hubs et réseaux"

    def ready(self):
        from cnfs.accounts.enums import Role
        from cnfs.accounts.scope import register_scope_resolver
        from cnfs.coordination import resolvers

        register_scope_resolver(Role.COORDINATOR, resolvers.coordinator_scope)
        register_scope_resolver(Role.HUB, resolvers.hub_scope)
        register_scope_resolver(Role.NETWORK, resolvers.network_scope)
