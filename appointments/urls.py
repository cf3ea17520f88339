from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.BookingRequestView.as_view(), name="booking-request"),
]
