from django.contrib import admin

from cnfs.coordination.models import Coordinator, Hub, Membership, Network


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "email"]
    filter_horizontal = ["departements", "staff"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    filter_horizontal = ["staff"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["structure", "network", "status", "declared_at"]
    list_filter = ["status", "network"]
    readonly_fields = ["status"]
    raw_id_fields = ["structure"]


@admin.register(Coordinator)
class CoordinatorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "shown_publicly", "created_at"]
    filter_horizontal = ["departements"]
    raw_id_fields = ["user"]
