from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Stance tracker administration"
admin.site.site_title = "Stance tracker admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("positions.urls")),
]

handler500 = "config.errors.handler500"
