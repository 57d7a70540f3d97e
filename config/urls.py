from django.contrib import admin
from django.urls import include, path

from config.api import api_urls

admin.site.site_header = "Stance tracker administration"
admin.site.site_title = "Stance tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_urls())),
    path("accounts/", include("accounts.urls")),
    path("", include("positions.urls")),
]

handler500 = "config.errors.handler500"
