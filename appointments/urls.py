from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.booking_request, name="booking-request"),
    path("sent/<str:reference>/", views.booking_request_sent, name="booking-request-sent"),
]
