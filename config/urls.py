from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("subsidies.urls")),
    path("", include("checklists.urls")),
    path("", include("comparisons.urls")),
    path("", include("assistant.urls")),
]
