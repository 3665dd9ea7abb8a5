from django.urls import path

from . import views

app_name = "comparisons"

urlpatterns = [
    path("compare/", views.compare, name="compare"),
]
