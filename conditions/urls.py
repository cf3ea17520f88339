from django.urls import path

from . import views

app_name = "conditions"

urlpatterns = [
    path("", views.ConditionListView.as_view(), name="condition-list"),
    path("search/", views.condition_search, name="condition-search"),
    path("<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
]
