from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/search/", views.subscribe_search, name="subscribe_search"),
    path("alerts/deadline/<int:pk>/", views.subscribe_deadline, name="subscribe_deadline"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
