"""The messaging providers' hooks (/hooks/<channel>/...) and the patient's opt-out link; included at the root."""

from django.urls import path

from . import hooks

urlpatterns = [
    path("hooks/<str:channel>/receipts/", hooks.receipts, name="hooks-receipts"),
    path("hooks/<str:channel>/inbound/", hooks.inbound, name="hooks-inbound"),
    path("messages/stop/", hooks.opt_out, name="messages-opt-out"),
]
