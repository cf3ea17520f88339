from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.defaults import page_not_found, server_error

from .views import HomeView, healthz

admin.site.site_header = "DMPhysios administration"
admin.site.site_title = "DMPhysios admin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("conditions/", include("conditions.urls")),
    path("book/", include("appointments.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("nested_admin/", include("nested_admin.urls")),
    path("healthz", healthz, name="healthz"),
]

# A database that cannot be reached answers 503 with the clinic's phone; anything else, the plain 500 page.
handler500 = "dmphysios.views.server_error"

if settings.DEBUG:
    # Preview the error pages while developing.
    urlpatterns += [
        path("404/", page_not_found, {"exception": Exception("Preview")}),
        path("500/", server_error),
    ]
