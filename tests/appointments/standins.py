"""Stand-ins for diary pages that other work builds (the appointments' admin, the patient's manage page), so that
tests here can render and follow links to them. Where the real page exists, nothing is replaced."""

import importlib
import sys
from contextlib import contextmanager

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import NoReverseMatch, clear_url_caches, path, reverse

from appointments.models import Appointment


def exists(name) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def stand_in_page(request):
    return HttpResponse("A stand-in page.")


@contextmanager
def diary_pages():
    patient_urls = importlib.import_module("appointments.urls")
    register = not admin.site.is_registered(Appointment)
    manage = (
        None if exists("appointments:appointment-manage") else path("manage/", stand_in_page, name="appointment-manage")
    )
    if register:
        admin.site.register(Appointment)
    if manage:
        patient_urls.urlpatterns.append(manage)
    reload_urls()
    try:
        yield
    finally:
        if register:
            admin.site.unregister(Appointment)
        if manage:
            patient_urls.urlpatterns.remove(manage)
        reload_urls()


def reload_urls():
    # The admin's URLs are read from its registry when the root URLconf is imported.
    importlib.reload(sys.modules[settings.ROOT_URLCONF])
    clear_url_caches()
