from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Stance tracker administration"
admin.site.site_title = "Stance tracker admin"

urlpatterns = [
    # One password change page, the one that counts wrong old passwords.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password_change"),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("accounts/", include("accounts.urls")),
    path("", include("positions.urls")),
]

handler404 = "config.errors.handler404"
handler500 = "config.errors.handler500"
