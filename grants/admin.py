from django.contrib import admin

from grants.models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    pass
