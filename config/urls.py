from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from subsidies.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("subsidies.urls")),
    path("", include("checklists.urls")),
    path("", include("comparisons.urls")),
    path("", include("assistant.urls")),
    path("", include("alerts.urls")),
    path("about/", TemplateView.as_view(template_name="pages/about.html"), name="about"),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
]
