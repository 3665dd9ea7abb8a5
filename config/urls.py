from django.apps import apps
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from subsidies.sitemaps import SITEMAPS
from subsidies.views import about

# The feature apps' pages exist only while the app is installed: removing one from INSTALLED_APPS removes its
# URLs and its sections of the listings' pages (subsidies/hooks.py), and leaves the rest of the site working.
FEATURE_APPS = ["checklists", "comparisons", "assistant", "matching", "alerts"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("subsidies.urls")),
    *[path("", include(f"{app}.urls")) for app in FEATURE_APPS if apps.is_installed(app)],
    path("about/", about.about, name="about"),
    path("disclaimer/", TemplateView.as_view(template_name="pages/disclaimer.html"), name="disclaimer"),
]
