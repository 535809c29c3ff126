from django.contrib import admin

from cnfs.common.admin import ReadOnlyAdmin
from cnfs.posts.models import Post


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["pk", "structure", "kind", "status", "granted_on", "ended_on"]
    list_filter = ["status", "kind"]
    search_fields = ["=pk", "structure__name", "structure__siret"]
    list_select_related = ["structure"]
