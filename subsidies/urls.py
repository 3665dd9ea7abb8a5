from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.home, name="home"),
    path("subsidies/", views.subsidy_list, name="list"),
    path("subsidies/<int:pk>/", views.subsidy_detail, name="detail"),
    path("regions/<slug:slug>/", views.region_landing, name="region"),
    path("purposes/<slug:slug>/", views.purpose_landing, name="purpose"),
    path("healthz", views.healthz, name="healthz"),
]
