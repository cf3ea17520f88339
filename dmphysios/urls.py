from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.defaults import page_not_found
from django.views.generic import TemplateView

from appointments.views import PrivacyNoticeView
from conditions.sitemaps import SITEMAPS
from conditions.views import HomeView
from web.password_reset import PasswordResetView
from web.views import healthz, server_error

admin.site.site_header = "DMPhysios administration"
admin.site.site_title = "DMPhysios admin"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accessibility/", TemplateView.as_view(template_name="accessibility.html"), name="accessibility"),
    path("conditions/", include("conditions.urls")),
    path("book/", include("appointments.urls")),
    path("privacy/", PrivacyNoticeView.as_view(), name="privacy-notice"),
    path("", include("appointments.hooks_urls")),
    # Staff reset a forgotten password by e-mail; the admin's login page links here.
    # Sent by the worker, throttled, and the same answer for any address (web/password_reset.py).
    path(f"{settings.ADMIN_URL}password_reset/", PasswordResetView.as_view(), name="admin_password_reset"),
    path(
        f"{settings.ADMIN_URL}password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        f"{settings.ADMIN_URL}reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        f"{settings.ADMIN_URL}reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("nested_admin/", include("nested_admin.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots-txt"),
    path("healthz", healthz, name="healthz"),
]

# A database that cannot be reached answers 503 with the clinic's phone; anything else, the plain 500 page.
handler400 = "web.views.bad_request"
handler500 = "web.views.server_error"

if settings.DEBUG:
    # Preview the error pages while developing.
    urlpatterns += [
        path("404/", page_not_found, {"exception": Exception("Preview")}),
        path("500/", server_error),
    ]
