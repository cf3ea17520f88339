from django.urls import path

from . import manage_views, views

app_name = "appointments"

urlpatterns = [
    path("", views.booking_request, name="booking-request"),
    path("sent/<str:reference>/", views.booking_request_sent, name="booking-request-sent"),
    path("manage/", manage_views.appointment_manage, name="appointment-manage"),
]
