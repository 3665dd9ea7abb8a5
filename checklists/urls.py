from django.urls import path

from . import views

app_name = "checklists"

urlpatterns = [
    path("subsidies/<int:pk>/checklist/", views.checklist_page, name="checklist"),
]
