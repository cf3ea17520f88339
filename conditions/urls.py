from django.urls import path

from . import views

app_name = "conditions"

urlpatterns = [
    path("", views.ConditionListView.as_view(), name="condition-list"),
    path("<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
]
