from django.urls import path

from .feeds import LatestSubsidiesFeed
from .views import crawlers, detail, health, listing

app_name = "subsidies"

urlpatterns = [
    path("", listing.home, name="home"),
    path("subsidies/", listing.subsidy_list, name="list"),
    path("regions/<slug:slug>/", listing.region_landing, name="region"),
    path("purposes/<slug:slug>/", listing.purpose_landing, name="purpose"),
    path("subsidies/<int:pk>/", detail.subsidy_detail, name="detail"),
    path("subsidies/<int:pk>/deadline.ics", detail.subsidy_deadline_ics, name="deadline_ics"),
    path("healthz", health.healthz, name="healthz"),
    path("feeds/latest/", LatestSubsidiesFeed(), name="feed"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
]
