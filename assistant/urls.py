from django.urls import path

from . import views

app_name = "assistant"

urlpatterns = [
    path("subsidies/<int:pk>/ask/", views.ask, name="ask"),
]
