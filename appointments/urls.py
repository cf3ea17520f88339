from django.urls import path

from . import diary_views, manage_views, views

app_name = "appointments"

urlpatterns = [
    path("", views.booking_request, name="booking-request"),
    path("sent/<str:reference>/", views.booking_request_sent, name="booking-request-sent"),
    path("time/", diary_views.appointment_start, name="appointment-start"),
    path("time/times/", diary_views.appointment_times, name="appointment-times"),
    path("time/hold/", diary_views.appointment_hold, name="appointment-hold"),
    path("time/details/<str:reference>/", diary_views.appointment_details, name="appointment-details"),
    path("time/booked/<str:reference>/", diary_views.appointment_booked, name="appointment-booked"),
    path("time/booked/<str:reference>/calendar.ics", diary_views.appointment_calendar, name="appointment-calendar"),
    path("manage/", manage_views.appointment_manage, name="appointment-manage"),
]
