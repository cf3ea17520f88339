from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.defaults import page_not_found, server_error
from django.views.generic import TemplateView

from .views import HomeView

admin.site.site_header = "DMPhysios administration"
admin.site.site_title = "DMPhysios admin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("conditions/", include("conditions.urls")),
    path("book/", include("appointments.urls")),
    path("admin/", admin.site.urls),
    path("nested_admin/", include("nested_admin.urls")),
]

if settings.DEBUG:
    # Preview the error pages while developing.
    urlpatterns += [
        path("404/", page_not_found, {"exception": Exception("Preview")}),
        path("500/", server_error),
    ]
